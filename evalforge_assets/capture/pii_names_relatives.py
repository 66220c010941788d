"""The words for relatives and the people around a user, which name whoever follows them: users of LLM
applications ask about their family and neighbours (`my mom karin andreasen-madsen`, `Their son Marco emigrated in
1979`, `Marco's daughter Ana`, `mi hija Lucía`, `ma voisine Chloé`), and the assistant restates them.

`pii_names_cues` reads them as introductions: one word after them must be a known given name and no ordinary
English word (`my son Will` stays), more words need no ordinary word among them. The word must be written in lower
case, as it is in a sentence: capitalised, it is part of a title or a brand (`Uncle Sam`, `Mother Teresa`, `Big
Brother`). `mama`, `papa` and `mamma` are left out (`Papa John's`, `Mamma Mia`).
"""

from __future__ import annotations

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
