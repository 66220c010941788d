"""The words that mark a person's name, by kind, in the languages LLM applications are written in; `pii_names_cues`
reads the name after each (`pii_names_native` and `pii_phones_placed` read some of them too).

- Greetings and thanks before a name (`Bonjour,`, `Tack, Folke!`), and sign-offs with the name on the next line
  (`Cordialement,\nROBERT GROS-RIVIÈRE`).
- Sign-offs of scripts without capitals, which `pii_names_native` reads before a name on the next line.
- Relatives and the people around a user (`my mom karin andreasen-madsen`, `Their son Marco emigrated in 1979`,
  `mi hija Lucía`, `ma voisine Chloé`), as users of LLM applications ask about their family and neighbours and the
  assistant restates them. `pii_names_cues` reads them as introductions, written in lower case as in a sentence
  (capitalised, the word is part of a title or a brand: `Uncle Sam`, `Mother Teresa`, `Big Brother`); `mama`,
  `papa` and `mamma` are left out (`Papa John's`, `Mamma Mia`).
- Keys that name a person (`nom:`, `Kontoinhaber:`), and keys that hold a person or an organisation (`customer:`).
- Articles and possessives, after which a lower-case run is the sentence, not a name.
"""

from __future__ import annotations

GREETINGS = (
    "hi", "hello", "hey", "dear", "bonjour", "bonsoir", "salut", "cher", "chère", "hallo", "liebe", "lieber", "moin",
    "servus", "ciao", "buongiorno", "buonasera", "salve", "caro", "cara", "gentile", "hola", "buenos días",
    "buenas tardes", "estimado", "estimada", "querido", "querida", "olá", "oi", "bom dia", "boa tarde", "prezado",
    "prezada", "hej", "hejsan", "hei", "moi", "terve", "hoi", "beste", "cześć", "witaj", "dzień dobry", "ahoj",
    "dobrý den", "merhaba", "selam", "здравствуйте", "привет", "добрый день", "dragă", "bună ziua", "szia",
    "kedves", "γεια σου", "xin chào", "chào", "halo", "namaste", "привіт", "вітаю", "доброго дня",
)
THANKS = (
    "thanks", "thank you", "thx", "merci", "danke", "vielen dank", "grazie", "gracias", "obrigado", "obrigada",
    "tack", "takk", "tak", "kiitos", "bedankt", "dank je", "dank u", "dziękuję", "dzięki", "děkuji", "díky",
    "teşekkürler", "teşekkür ederim", "спасибо", "дякую", "mulțumesc", "köszönöm", "ευχαριστώ", "cảm ơn",
    "terima kasih",
)
SIGN_OFFS = (
    "regards", "best regards", "kind regards", "warm regards", "warmest regards", "best", "best wishes",
    "all the best", "yours", "yours truly", "yours sincerely", "respectfully", "take care", "cheers", "sincerely",
    "cordialement", "bien à vous", "amicalement",
    "mit freundlichen grüßen", "viele grüße", "beste grüße", "liebe grüße", "grüße", "cordiali saluti",
    "distinti saluti", "saluti", "un saluto", "atentamente", "saludos", "un saludo", "atenciosamente", "abraços",
    "med vänlig hälsning", "vänliga hälsningar", "hälsningar", "mvh", "med venlig hilsen", "venlig hilsen",
    "med vennlig hilsen", "ystävällisin terveisin", "terveisin", "met vriendelijke groet", "groeten", "groetjes",
    "pozdrawiam", "z poważaniem", "s pozdravem", "saygılarımla", "с уважением", "з повагою", "üdvözlettel",
    "cu stimă", "με εκτίμηση", "trân trọng", "salam", "hormat saya", "bonne journée", "bonne soirée",
    "buona giornata", "schöne grüße", "un abrazo", "beijos", "hilsen", "mfg",
    "freundliche grüße", "herzliche grüße", "bien cordialement", "saludos cordiales", "un cordial saludo",
    "met vriendelijke groeten", "hartelijke groet", "serdecznie pozdrawiam", "pozdrowienia",
    "s přátelským pozdravem", "iyi çalışmalar", "iyi günler", "İyi çalışmalar", "İyi günler", "всего доброго", "всего хорошего", "хорошего дня",
    "з найкращими побажаннями", "cu drag", "φιλικά", "με φιλικούς χαιρετισμούς", "salam hangat", "att.", "atte.",
    "cdlt",
)
# Sign-offs of scripts without capitals, before the writer's name on a line of its own (`בברכה,\nאמלי מאיר`,
# `此致\n敬礼\n胡海燕`, `よろしくお願いいたします。\n斉藤 舞`, `감사합니다.\n최예준 드림`).
NATIVE_SIGN_OFFS = (
    "בברכה", "בברכה רבה", "בתודה", "תודה רבה", "مع التحية", "مع خالص التحية", "مع أطيب التحيات",
    "تحياتي", "مع الشكر", "با احترام", "با سپاس", "با تشکر", "ارادتمند", "والسلام", "ขอแสดงความนับถือ",
    "ด้วยความเคารพ", "सादर", "भवदीय", "भवदीया", "धन्यवाद", "শুভেচ্ছান্তে", "ধন্যবাদান্তে", "அன்புடன்", "நன்றியுடன்",
    "此致敬礼", "敬礼", "祝好", "顺祝商祺", "祝工作顺利", "敬上", "よろしくお願いいたします", "よろしくお願いします",
    "敬具", "草々", "감사합니다", "고맙습니다", "수고하세요",
)
# "And" in other languages (German, French, Spanish, Portuguese and Italian, Catalan, Polish, Turkish, Dutch and
# Afrikaans, Swedish, Danish and Norwegian, Russian, Ukrainian, Czech and Slovak, Finnish and Estonian, Hungarian,
# Romanian), which joins two people in a list or a sentence.
OTHER_ANDS = ("und", "et", "y", "e", "i", "ve", "en", "och", "og", "и", "і", "a", "ja", "és", "și")

RELATIVES = (
    # English
    "wife", "husband", "son", "daughter", "mom", "mum", "mother", "dad", "father", "brother", "sister", "partner",
    "fiancé", "fiancée", "fiance", "fiancee", "girlfriend", "boyfriend", "grandma", "grandmother", "grandpa",
    "grandfather", "granddaughter", "grandson", "aunt", "uncle", "cousin", "nephew", "niece", "stepson",
    "stepdaughter", "stepmother", "stepfather", "neighbour", "neighbor", "roommate", "flatmate", "colleague",
    "coworker", "co-worker", "boss", "landlord", "landlady", "caregiver", "carer", "nanny", "babysitter",
    # German
    "ehefrau", "ehemann", "sohn", "tochter", "mutter", "vater", "bruder", "schwester", "oma", "opa", "tante",
    "onkel", "cousine", "neffe", "nichte", "nachbar", "nachbarin", "kollege", "kollegin", "freundin", "vermieter",
    "vermieterin",
    # French
    "femme", "mari", "fils", "fille", "mère", "père", "maman", "frère", "sœur", "soeur", "grand-mère",
    "grand-père", "oncle", "neveu", "nièce", "voisin", "voisine", "collègue", "copain", "copine",
    # Spanish, Portuguese, Italian
    "esposa", "esposo", "marido", "hijo", "hija", "madre", "padre", "mamá", "papá", "hermano", "hermana",
    "abuela", "abuelo", "tía", "tío", "sobrino", "sobrina", "vecino", "vecina", "novio", "novia", "filho",
    "filha", "mãe", "pai", "irmão", "irmã", "avó", "avô", "sobrinho", "sobrinha", "vizinho", "vizinha",
    "namorado", "namorada", "moglie", "figlio", "figlia", "papà", "fratello", "sorella", "nonna", "nonno",
    "zia", "zio", "cugino", "cugina", "vicino", "vicina", "fidanzato", "fidanzata",
    # Dutch, Swedish, Norwegian, Danish
    "echtgenoot", "echtgenote", "zoon", "dochter", "moeder", "vader", "broer", "zus", "oom", "buurman",
    "buurvrouw", "vriendin", "dotter", "pappa", "bror", "syster", "mormor", "farmor", "morfar", "farfar",
    "granne", "sønn", "datter", "søster", "nabo", "søn", "hustru", "kone",
    # Polish, Czech
    "żona", "mąż", "córka", "brat", "siostra", "babcia", "dziadek", "ciocia", "wujek", "sąsiad", "sąsiadka",
    "manželka", "manžel", "dcera", "sestra", "babička", "dědeček", "soused", "sousedka",
    # Russian, Ukrainian
    "жена", "муж", "сын", "дочь", "мама", "папа", "мать", "отец", "брат", "сестра", "бабушка", "дедушка",
    "соседка", "сосед", "дружина", "чоловік", "донька", "син", "сусід", "сусідка",
    # Turkish (the possessive is a suffix), Indonesian
    "eşim", "oğlum", "kızım", "annem", "babam", "kardeşim", "ablam", "abim", "komşum", "istri", "suami",
    "anak", "adik", "kakak", "tetangga",
)
# Phrases after which a name follows: introductions, who a ticket went to or a call came from, whom to tell.
INTRODUCTIONS = (
    "i am", "i'm", "im", "it's", "its", "this is", "my name is", "je suis", "je m'appelle", "moi c'est", "ich bin",
    "ich heiße", "mein name ist", "hier ist", "sono", "mi chiamo", "soy", "me llamo", "mi nombre es", "sou",
    "eu sou", "meu nome é", "me chamo", "jag heter", "jag är", "jeg heter", "jeg er", "ik ben", "mijn naam is",
    "nazywam się", "jestem", "jmenuji se", "jsem", "olen", "nimeni on", "benim adım", "меня зовут", "мене звати",
    "a nevem", "numele meu este", "με λένε", "είμαι", "είμαι ο/η", "είμαι ο", "είμαι η", "tôi là", "tên tôi là",
    "mình là", "em là", "saya", "nama saya", "täällä", "här är", "her er", "hier is", "hier spricht", "c'est",
    "name on the account is", "account holder is", "called back", "spoke with", "spoke to", "under the name",
    # Who a ticket went to, and whom a CRM note says was called back, in the languages CRM notes are written in.
    "assigned to", "reassigned to", "escalated to", "handed over to", "transferred to", "forwarded to",
    "invite to", "invites to", "invitation to", "send to", "sent to", "send it to", "sent it to",
    "sunt", "eu sunt", "dette er",
    "rappelé", "rappelée", "retornei a ligação para", "retornei a ligação de", "richiamato", "richiamata",
    "oddzwoniono", "oddzwoniono do", "devolví la llamada a", "teruggebeld", "återringt", "ringte tillbaka till",
    "booked under", "reserved under",
    # Who an obituary names as family, and whom a note is from.
    "survived by", "preceded in death by", "predeceased by", "note from", "message from",
    # The person a role is filled by ("Your courier Emil is on the way"): one known given name is enough.
    "courier", "your courier", "your driver", "your rider", "your agent", "your advisor", "your adviser",
    "your technician", "your nurse", "your pharmacist", "your caseworker", "your representative", "your host",
    "kurier", "ihr fahrer", "votre livreur", "livreur", "repartidor", "su repartidor", "corriere", "entregador",
    "bezorger", "je bezorger", "budet", "kurir", "kurer", "kurye", "курьер", "ваш курьер", "кур'єр",
    # Whom a message asks to be told, asked or reminded, in the languages a chat is typed in lower case in. In
    # English `tell`, `ask` and `remind` are followed by everything, so only a given name that is no English word
    # is taken (`tell whitney to ping me`, not `tell grace`), as after every cue; not `call` (`call stack`).
    "tell", "ask", "remind",
    "скажи", "скажіть", "скажите", "передай", "передайте", "попроси", "попросіть", "нагадай", "напомни",
    "подзвони", "зателефонуй", "позвони", "напиши", "πες στον", "πες στη", "πες στην", "πείτε στον", "πείτε στην",
    "πες του", "πες της", "ρώτα τον", "ρώτα την", "ρώτα τη", "πάρε τον", "πάρε την", "θύμισε στον", "θύμισε στην",
    "sag", "sagt", "frag", "dis à", "dites à", "demande à", "dile a", "díselo a", "pregúntale a", "avisa", "avise",
    "diz à", "diz ao", "pergunta à", "pergunta ao", "dì a", "di' a", "chiedi a", "zeg tegen", "vraag", "powiedz",
    "zapytaj", "řekni", "zeptej se", "säg till", "fråga", "sig til", "spørg", "spør", "sano", "kysy", "söyle",
    "spune-i lui", "spune-i", "mondd meg", "hỏi", "bảo", "nói với", "bilang ke", "kasih tahu",
)

# Keys that name a person (English `name:` keys are read by `pii_finders`, which also knows when a bare `name`
# labels a tool or a product).
LABELS = (
    "nom", "nom complet", "prénom", "vorname", "nachname", "nome", "cognome", "nome completo", "nombre",
    "nombre completo", "apellido", "apellidos", "namn", "naam", "imię", "nazwisko", "imię i nazwisko", "ad soyad",
    "adı soyadı", "имя", "фио", "фамилия", "контактное лицо", "ім'я", "піб", "jméno", "příjmení", "nimi", "név",
    "όνομα", "ονοματεπώνυμο", "attendees", "organizer", "organiser", "participants", "contact person",
    "ansprechpartner", "account holder", "titular", "tên", "họ tên", "nama",
    "applicant", "co-applicant", "tenant", "guarantor",
    # The party of a wedding or a funeral, as announcements list them.
    "best man", "maid of honor", "maid of honour", "bridesmaids", "groomsmen", "pallbearers", "officiant",
    # Who wrote or signed a commit, in git's log and its trailers (`Co-authored-by: Ana Souza <ana@…>`).
    "author", "committer", "signed-off-by", "co-authored-by", "reported-by", "reviewed-by", "tested-by",
    # The holder of an account, as bank forms in each language label them.
    "titulaire", "titulaire du compte", "kontoinhaber", "intestatario", "tenaamstelling", "rekeninghouder",
    "hesap sahibi", "właściciel rachunku", "właściciel konta", "kontohavare", "kontoinnehaver", "kontohaver",
    "tilinomistaja", "majitel účtu", "владелец счета", "власник рахунку", "titularul contului",
    "számlatulajdonos", "δικαιούχος", "chủ tài khoản", "pemilik rekening",
)
# Keys that hold a person or an organisation (`"customer": "Initech"`): a full name with name data in it.
WEAK_LABELS = (
    "customer", "cliente", "client", "kunde", "klant", "kund", "müşteri", "клиент", "pelanggan", "patient",
    "paciente", "driver", "owner", "assignee", "holder", "contact", "destinataire", "destinatario", "destinatário",
    "empfänger", "получатель", "beneficiario", "bénéficiaire", "beneficiary", "payee", "recipient", "cardholder",
    "card holder", "rider", "passenger", "guest", "sender",
)

# Articles and possessives that open a noun phrase in the languages above. In lower case after a speaker's label the
# words that follow are the sentence (`cliente: una cena allegra`, `c'est mon mari`), though name lists hold `Una`,
# `Mon` and `Il` as given names. `mia` is left out (Mia is among the most given names), and `tu` (Polish `tu
# kamila szela`, here is).
DETERMINERS = frozenset((
    "the", "a", "an", "my", "your", "his", "her", "our", "their", "this", "that",
    "il", "lo", "gli", "la", "le", "les", "el", "los", "las", "un", "una", "uno", "une", "des",
    "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "votre", "nos", "vos", "leur", "leurs",
    "mio", "mie", "miei", "tuo", "tua", "suo", "sua", "nostro", "nostra", "questo", "questa", "ce", "cette",
    "meu", "minha", "teu", "seu", "o", "os", "as", "um", "uma", "mi", "mis", "tus", "su", "sus", "nuestro",
    "nuestra", "este", "esta",
    "der", "die", "das", "den", "dem", "ein", "eine", "einen", "einem", "einer", "mein", "meine", "dein", "deine",
    "sein", "seine", "ihr", "ihre", "unser", "unsere", "het", "een",
))
