"""Names in a FHIR HumanName, as a Patient, Practitioner or RelatedPerson resource writes them:

```
"name": [{"use": "official", "family": "劉", "given": ["子翔"], "prefix": ["Mr."]}]
```

The standard fixes what the keys hold, so the family name and each given name are a person's whatever their length
(a one-character Chinese surname, a Hebrew given name); `text` holds the whole name. A `family` or `given` key
elsewhere (a product family, a `given` date) is not read: only inside an object of a `name` list.

Only names without Latin letters are read here. The other finders already read Latin names under these keys but for
a few, and taking those few here would change the words the person model is trained on: the forced retrain read
`Mercado Pago` and `NF-e` as people in eleven of the grouping probes' strings, more than the few names were worth.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate

# An object of a `name` list: flat but for the lists of given names, prefixes and suffixes.
_HUMAN_NAME = re.compile(r'"name"\s*:\s*\[\s*\{(?P<body>(?:[^{}\[\]]|\[[^{}\[\]]{0,400}\]){1,1200}?)\}')
_PART = re.compile(r'"(?P<key>family|given|text)"\s*:\s*(?P<value>"[^"\n]{1,80}"|\[[^\]]{0,400}\])')
_QUOTED = re.compile(r'"(?P<name>[^"\n]{1,80})"')
_NOT_A_NAME_PART = re.compile(r"[\d@<>{}=/\\]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def find_fhir_names(text: str) -> Iterator[Candidate]:
    """The family, given and whole names of each FHIR HumanName in `text` (see the module docstring)."""
    if '"family"' not in text and '"given"' not in text:
        return
    for human_name in _HUMAN_NAME.finditer(text):
        offset = human_name.start("body")
        for part in _PART.finditer(human_name.group("body")):
            for quoted in _QUOTED.finditer(part.group("value")):
                name = quoted.group("name").strip()
                if name and not _NOT_A_NAME_PART.search(name) and len(name.split()) <= 5 and not _LATIN.search(name):
                    start = offset + part.start("value") + quoted.start("name")
                    start += quoted.group("name").index(name)
                    yield "PERSON", start, start + len(name)
