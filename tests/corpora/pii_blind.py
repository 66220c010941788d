"""PII corpora written blind: each by a separate agent that was given the label format and the types, told to use
Faker values in many locales inside contexts of its own (chat messages, model replies, tool-call JSON, CRM notes,
e-mail signatures, logs, CSV), and forbidden to read the redactor or the other corpora. Each was pinned by its
sha256 and scored once before any rule was written from it (`docs/ingestion.md`, "Blind PII probes").

* `pii_blind1.jsonl`: 3,000 texts, 20 locales, 92 templates; the rules of the "Blind PII probes" section were
  written while looking at its leaks.
* `pii_blind2.jsonl`: 3,000 texts, 36 locales, 100 templates; scored before and after those rules, then looked at.
* `pii_blind3.jsonl`: 2,500 texts, 20 locales, 82 templates; written while the rules were being written, scored
  once with them final, never looked at.
* `pii_blind4.jsonl`: 2,500 texts, 36 locales, 113 templates (a third of its names with no cue word; values also
  URL-encoded, form-encoded, spoken and in airline `SURNAME/GIVEN` form); scored before and after the conversation
  rules (`capture/pii_name_echoes.py`, `capture/pii_names_speakers.py`), which were written from probes 1 and 2;
  never looked at.
* `pii_blind5.jsonl`: 2,500 texts, 50 locales, 153 templates (about 62% of its names with no cue word before them;
  tokens, SSNs and passwords in forms the writer chose); pinned and scored before and after the third step's rules
  (labels, closing names, street sentences), which were written from probes 1 and 2; its PERSON and STREET_ADDRESS
  leaks never looked at.
* `pii_blind6.jsonl`: 2,500 texts, 48 locales, 161 templates (retrieved RAG chunks, tool calls and results, call
  transcripts in lower case, HL7 and FHIR, framework logs, configs, SQL, e-mail threads; 4,016 names, 1,205
  streets, 7,070 hard negatives chosen to be hard: companies, brands that are given names, street-named
  products); pinned and first scored with the rules of this probe's session in place and without them (the code
  as the session started), so it measures those rules blind; its PERSON and STREET_ADDRESS leaks never looked at.
* `pii_blind7.jsonl`: 2,000 texts, 24 locales, 61 forms (agent traces with doubly escaped tool arguments, webhook
  bodies, HR, medical and KYC records, shell history, git metadata, voice transcripts; 2,879 names, 710 streets,
  3,120 hard negatives); pinned and first scored with the rules of its session (lists of people, names in
  Markdown tables and SQL `INSERT`s, ...) in place and without them, so it measures those rules blind; its
  structured leaks looked at after that first measure, its names and streets never.
* `pii_blind8.jsonl`: 2,000 texts, 26 locales, 66 forms, written to name people without a cue word before them
  (72% of its texts: minutes, postmortems, code reviews, ticket and case narratives, clinical and HR notes; 4,144
  names, 510 streets, 2,540 hard negatives); pinned at the end of the session that wrote probe 7's rules and scored
  once with the code as that session started and as it ended, so it measures all of them blind.

* `pii_blind9.jsonl`: 2,000 texts, 30 locales, 72 forms, written for names and streets where LLM applications put
  them (requests about relatives and neighbours, answers restating them, agent scratchpads, CRM/ERP/HR call results,
  retrieved court records, listings, obituaries, newsletters, reservations, claims; addresses in each country's
  own order; 6,002 name spellings, 1,908 streets, 2,430 hard negatives, 76% of texts with a name after no cue);
  pinned before anything was scored on it, and scored once with the code as the session that wrote the learned
  name scorer started, with the rules alone and with the scorer, so it measures that scorer blind.
* `pii_blind10.jsonl`: 2,000 texts, 30 locales, 84 forms, written as what an engineer reads when an LLM agent or a
  web service fails (tool calls and results, escaped JSON arguments, scratchpads, tickets, errors that embed a
  user, `key=value` logs, git metadata, e-mail headers, CSV, YAML, tracebacks with locals, env dumps, `kubectl`
  output), each text full of hard negatives an engineer must still read (exceptions, libraries, models, brands
  named like people, law firms, street-named things; 1,311 names, 536 streets, 4,759 hard negatives); pinned
  before anything was scored on it, and first scored with the code as its session started.
* `pii_blind11.jsonl`: 2,000 texts, 27 locales, 100 forms: the prompts, replies and tool traffic of LLM applications
  in two dozen verticals (travel, banking, insurance, telehealth, HR, rentals, legal intake, returns, delivery,
  tutoring, government services, moderation, field service), users writing informally in their own languages
  (2,052 name spellings, 712 streets, 3,294 hard negatives); pinned before anything was scored on it, scored once
  with the code as its session started and once as it ended, never looked at.
* `pii_blind12.jsonl`: 2,000 texts, 45 locales, 112 forms, weighted to where names stand with no capital or cue:
  voice-agent transcripts in 21 languages (lower case, no punctuation, numbers read out), casual messages typed in
  lower case in 26 languages, paper author blocks with affiliation marks, citations, court captions, obituaries,
  genealogy and announcements, compound names of many cultures, lone names as subjects (4,661 name spellings, 545
  streets, 3,821 hard negatives, 40% of them in lower case: words that are also names in some 25 languages,
  software and models named like people). Written while the lower-case and relative rules were written, pinned
  before anything was scored on it, scored with the code as its session started and with those rules, never
  looked at.
* `pii_blind13.jsonl`: 2,000 texts, 49 locales, 130 forms, weighted to phone numbers as 46 countries write them
  (national, international and E.164 forms, extensions, split labels, two on a line; 1,086 numbers) beside numbers
  that are no phone (order, tracking and trace ids, dates, timestamps, versions, amounts), street lines in 45
  countries' own order beside things named like streets and PO boxes (616 streets), and names in support, ops,
  HR and CRM traffic beside brands, eponyms, places and software named like people (1,525 name spellings, 3,849
  hard negatives). Written while the joined-phones and named-things rules were written, pinned before anything
  was scored on it, scored with the code as its session started and as it ended, never looked at.
* `pii_blind14.jsonl`: 2,000 texts, 70 locales, 39 forms, weighted to names where LLM applications put them and
  where they are hard to spot (chat JSON with code-switching, meeting transcripts and summaries, calendar tool
  calls, contact payloads, CV parsing, reviews naming staff, names inflected by case, particles, initials, names
  in capitals, in lower case and in native scripts beside their romanisation; 4,163 name spellings, 400 streets,
  502 phones, 7,355 hard negatives). Pinned before anything was scored on it, scored with the code as the session
  that wrote the CJK and lower-case Cyrillic rules started and as it ended, never looked at.
* `pii_blind15.jsonl`: 2,000 texts, 48 locales (half of them English-speaking), 67 forms: ordinary production
  traffic of LLM applications as an observability tool sees it (support chats, tool-call arguments and results,
  RAG chunks, e-mail threads, meeting notes, bookings, logs, Markdown, CSV, YAML, HTML, SMS, voice transcripts,
  form submissions), dense with hard negatives (brands, software and places named like people, capitalised
  German nouns, ids and numbers that are no phone; 3,166 name spellings, 554 streets, 502 phones, 7,200 hard
  negatives, 303 texts with no value at all). Pinned before anything was scored on it, scored with the code as
  the session that wrote the "the"-before-a-name and action-item rules started and as it ended; its structured
  leaks (passwords in confirmation fields and chats, a Google refresh token, phones) looked at, its names and
  streets never.
* `pii_blind16.jsonl`: 1,200 long texts (median 1,180 characters, 401-2,893), 48 locales (about half in English), 64
  forms: the documents and long conversations LLM applications ingest, summarise or write (contracts and tenancy
  agreements, discharge summaries and referral letters, claims, incident reports, CVs, minutes, depositions,
  probate letters, HR notes, long e-mail threads with quoted replies, support chats of 15-30 turns, agent
  scratchpads with several tool calls, meeting transcripts, OCR'd forms, Markdown reports, documents beside their
  translation, obituaries, judgments; 7,564 name spellings, 1,616 streets, 1,508 phones, 1,453 e-mail addresses,
  6,110 hard negatives). Pinned before anything was scored on it, first scored with the code as the session that
  retrained the person model on probes 1-10 and 12 started; its names and streets never looked at.
* `pii_blind17.jsonl`: 2,000 texts, 79 forms, names from 70 locales: the span inputs and outputs an LLM-observability
  tool records (chat message arrays with code-switching and typos, tool calls and results with keys in many styles
  and nesting, RAG chunks such as listings, press releases and referral letters, extraction outputs as JSON, YAML,
  Markdown and CSV, agent scratchpads, logs, tracebacks, SQL, voice-assistant transcripts, SMS and e-mail threads;
  3,680 name spellings, about two in three after no cue word, 914 streets, 730 phones, 769 e-mail addresses, 6,497
  hard negatives, 150 texts with no value). Pinned before anything was scored on it, first scored with the code as
  the session that wrote the lower-case street runs started; its structured leaks looked at, its names, streets and
  hard negatives never.
* `pii_blind18.jsonl`: 2,000 texts, 282 forms, 45 Faker locales, 28 languages, about two in three written natively in
  a language other than English (support e-mails with each language's greetings and closings, chats, CRM and ticket
  notes, SEPA records, confirmations, HR and medical intake, SMS, tool-call JSON, CSV and YAML with keys in the
  local language, English scratchpads quoting the user's own words, logs and `.env` files); names in local order
  and inflection (surname first, vocatives, patronymics, `DUPONT Jean`), 81% after no cue word (3,008 name
  spellings, 1,030 streets in each country's format, 1,039 phones, 625 e-mail addresses, 5,849 hard negatives, 150
  texts with no value). Pinned before anything was scored on it, first scored with the code as the session that
  wrote the famous names started; its structured leaks looked at, its names, streets and hard negatives never.
* `pii_blind19.jsonl`: 2,000 texts, 221 forms, 52 Faker locales, 35 languages (35% English, 40% other Latin,
  Cyrillic and Greek, 25% Arabic, Persian, Hebrew, Hindi, Thai, Korean, Japanese and Chinese), written to put names
  and streets in running prose: users telling an assistant about relatives, colleagues, landlords and neighbours,
  replies restating them, scratchpads, handover notes, post-mortems and minutes (names as subjects, possessives,
  lists), casual lower-case messages and voice transcripts, delivery instructions; at most 15% structured (5,848
  name spellings, 1,751 streets, 824 phones, 4,616 hard negatives). Pinned before anything was scored on it, first
  scored with the code as its session started and at the commit before it was pinned; its structured leaks looked
  at, its names, streets and hard negatives never.

Scored by the foreign corpus's scorer (`pii_foreign.score`), via `benchmarks/pii_compare.py --corpus blind1`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.corpora.pii_foreign import Sample, file_sha256, read_samples

_DIRECTORY = Path(__file__).resolve().parent


@dataclass(frozen=True)
class BlindCorpus:
    """One frozen blind corpus: the interface `benchmarks/pii_compare.py` reads (`load`, `corpus_sha256`)."""

    file_name: str
    sha256: str
    # The writer's names of types where they are not the scorer's (probe 13 wrote Presidio's: `PHONE_NUMBER`).
    type_names: tuple[tuple[str, str], ...] = ()

    @property
    def path(self) -> Path:
        return _DIRECTORY / self.file_name

    def load(self) -> list[Sample]:
        samples = read_samples(self.path)
        if self.type_names:
            names = dict(self.type_names)
            for sample in samples:
                sample.entities[:] = [(names.get(entity, entity), value) for entity, value in sample.entities]
        return samples

    def corpus_sha256(self) -> str:
        return file_sha256(self.path)


BLIND1 = BlindCorpus("pii_blind1.jsonl", "0f153e22ae7359b017431afaa7945433b171c3afd19ede78fe1002fe9d5b1d0a")
BLIND2 = BlindCorpus("pii_blind2.jsonl", "9e9442a0fcaccd4161700b97afe66bfdf9b0c70ea981fda378627b1682ed69ed")
BLIND3 = BlindCorpus("pii_blind3.jsonl", "40faa3b79bb46a8735ead314997e5e68ea7904a0caa8a66b1c55ef5c860032b1")
BLIND4 = BlindCorpus("pii_blind4.jsonl", "11e9184157217ddb65d49883b837cd5fe63e3c624aea3e721ef4f6e61f398cbe")
BLIND5 = BlindCorpus("pii_blind5.jsonl", "df35e3bbf3d832fac159919238524c2f1cfc86f3baa0a9ffe1d8c1164d53d616")
BLIND6 = BlindCorpus("pii_blind6.jsonl", "3cb474328d7a5c1adf70aed9cf5f833424c8252b9fbb9885172e3f63660518f9")
BLIND7 = BlindCorpus("pii_blind7.jsonl", "8ce55a7be52a9e3af76c483245ca56d366bf92565bc92a8cd580c53d8b66cf7d")
BLIND8 = BlindCorpus("pii_blind8.jsonl", "3b9a1f2dfb59ac694832a92324cdeab6205fe0b51f1141ba5137cd2fa250f965")
BLIND9 = BlindCorpus("pii_blind9.jsonl", "0b1584f470f7e45d98812a113a582df946af5899018c20acc799beddfbc29dd2")
BLIND10 = BlindCorpus("pii_blind10.jsonl", "0c1232afdcce7701365417408d1e3dde4f8c02e06a2b421501b566d78b21d25c")
BLIND11 = BlindCorpus("pii_blind11.jsonl", "719e995c53398e7fa5a081360ffa64c039740dbe0e7720c471b24df87c275454")
BLIND12 = BlindCorpus("pii_blind12.jsonl", "26670ea4750d18e729f310216c66ae0c4173d6ca4cf1fce8239fbf75d2cee2c6")
BLIND13 = BlindCorpus(
    "pii_blind13.jsonl",
    "0b8b8d6bb79286aee98bed2594038e36fe2233606b60a0b269f218a38e4e0ceb",
    type_names=(("PHONE_NUMBER", "PHONE"), ("EMAIL_ADDRESS", "EMAIL"), ("IBAN_CODE", "IBAN")),
)
BLIND14 = BlindCorpus("pii_blind14.jsonl", "085f499a20e5395d9126cb20627bf9aafe296b9c50c195998f40b12b67831655")
BLIND15 = BlindCorpus("pii_blind15.jsonl", "cbb56e137caae6b719d4b1dad2a29edc0ec34bab7b363bc57159b6fdc2df78b8")
BLIND16 = BlindCorpus("pii_blind16.jsonl", "cdfc2dbbad51f49d941e18a58510717d91303f61d92300fb4b41be156b3fb7c1")
BLIND17 = BlindCorpus("pii_blind17.jsonl", "ca349a0b40c89341c7705792dccd1d74b048417da1fa179f254254b66b8f1aaa")
BLIND18 = BlindCorpus("pii_blind18.jsonl", "963314612a68f04e585c605ffa2648154a4cb93483ec9a7369b3c6d6e2719a6d")
BLIND19 = BlindCorpus("pii_blind19.jsonl", "36a064796467af54b00fea755a6b164d3b94fd3c8244da0d21c90d771acdf7a2")
