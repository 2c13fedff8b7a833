"""Running text around the quotes: varied sentences about clusters, regions and firms.

None of them defines anything; they are the noise a definition finder must
read past. Sentences are put together from a few dozen frames and word lists,
so a paper rarely repeats one.
"""

from __future__ import annotations

import random

REGIONS = [
    "southern Denmark", "the Basque Country", "Emilia-Romagna", "Styria", "Upper Austria",
    "Wallonia", "Scania", "the Ruhr", "North Brabant", "Tampere", "Jutland", "Catalonia",
    "Lombardy", "the Øresund region", "Saxony", "Cantabria", "Pirkanmaa", "Limburg",
]  # fmt: skip
INDUSTRIES = [
    "wind energy", "medical devices", "furniture", "food processing", "software", "maritime "
    "services", "ceramics", "textiles", "automotive components", "aquaculture", "biotechnology",
    "packaging", "machine tools", "tourism", "logistics", "optics",
]  # fmt: skip
ACTORS = [
    "small suppliers", "exporting firms", "the cluster managers we interviewed", "local "
    "universities", "municipal agencies", "venture investors", "trade associations", "family "
    "firms", "the larger plants", "regional banks", "technical colleges", "new entrants",
    "foreign subsidiaries", "chambers of commerce",
]  # fmt: skip
VERBS = [
    "reported", "pointed to", "complained about", "valued", "rarely mentioned", "stressed",
    "underestimated", "played down", "returned again and again to",
]  # fmt: skip
THINGS = [
    "the shortage of skilled welders", "access to test facilities", "informal advice from "
    "competitors", "the cost of office space", "joint trade fair stands", "slow permits for new "
    "plants", "the reputation of the region abroad", "long-standing ties with one customer",
    "public co-funding of research", "the local supply of engineers", "shared transport links",
    "rising energy prices", "the turnover of staff between firms", "lobbying for road projects",
]  # fmt: skip
METHODS = [
    "a survey of {n} firms", "{n} semi-structured interviews", "employment registers for {y}",
    "patent records from {y} to {y2}", "a panel of {n} plants observed over {k} years",
    "company accounts for {n} firms", "minutes of {k} board meetings", "export statistics "
    "for {y}",
]  # fmt: skip

FRAMES = [
    "In {region}, {n} firms in {industry} employed about {m} people in {y}.",
    "Between {y} and {y2}, employment in {industry} in {region} grew by {p} per cent.",
    "Most of {actors} {verb} {thing}.",
    "Our evidence comes from {method}, collected in {region}.",
    "We draw on {method} and on {method2}.",
    "Interviews suggest that {actors} {verb} {thing} more than {actors2} did.",
    "The {industry} firms of {region} sell {p} per cent of their output abroad.",
    "Only {k} of the {n} firms we contacted declined to take part.",
    "Policy documents from {region} mention {thing} {k} times between {y} and {y2}.",
    "This pattern held in {region} but not in {region2}.",
    "A regional programme in {region} spent {m} thousand euros on {thing} in {y}.",
    "Several managers in {industry} {verb} {thing} when asked about their location.",
    "The {industry} cluster of {region} lost {k} firms during the downturn of {y}.",
    "Firms that joined the cluster programme in {y} were on average {k} years old.",
    "Response rates were higher among {actors} than among {actors2}.",
    "Interview notes were coded twice, by two of the authors.",
    "We return to this point in the discussion.",
    "The literature on clusters has grown quickly since {y}.",
    "Case studies of {industry} in {region} and {region2} dominate this literature.",
    "Critics argue that the cluster label has been applied too freely by policy makers.",
    "Public money for cluster initiatives in {region} rose to {m} thousand euros a year.",
    "In {region2}, by contrast, {actors} {verb} {thing}.",
    "The median firm in our sample had {k} employees and exported to {k2} countries.",
    "We cannot rule out that {actors} answered strategically.",
    "Proximity mattered less for {industry} than for {industry2}.",
    "Figures for {y2} are provisional.",
    "Three of the {k} cluster organisations in {region} were founded by {actors}.",
    "Knowledge spillovers are hard to observe directly, so we rely on {method}.",
    "Cooperation and competition coexisted in every case we studied.",
    "Whether clusters cause growth or merely follow it remains disputed.",
]


def _fill(frame: str, rng: random.Random) -> str:
    y = rng.randint(1995, 2018)
    two = rng.sample(REGIONS, 2), rng.sample(INDUSTRIES, 2), rng.sample(ACTORS, 2)
    method, method2 = rng.sample(METHODS, 2)
    numbers = {
        "n": rng.randint(12, 480),
        "m": rng.randint(2, 90) * 100,
        "k": rng.randint(3, 11),
        "k2": rng.randint(4, 40),
        "p": rng.randint(3, 75),
        "y": y,
        "y2": y + rng.randint(2, 8),
    }
    words = {
        "region": two[0][0],
        "region2": two[0][1],
        "industry": two[1][0],
        "industry2": two[1][1],
        "actors": two[2][0],
        "actors2": two[2][1],
        "verb": rng.choice(VERBS),
        "thing": rng.choice(THINGS),
        "method": method.format(**numbers),
        "method2": method2.format(**numbers),
    }
    sentence = frame.format(**words, **numbers)
    return sentence[0].upper() + sentence[1:]


def sentences(rng: random.Random, count: int) -> list[str]:
    """``count`` filler sentences, no two from the same frame in a row.

    Examples
    --------
    >>> import random
    >>> len(sentences(random.Random(1), 4))
    4
    """
    out: list[str] = []
    last = -1
    for _ in range(count):
        index = rng.choice([i for i in range(len(FRAMES)) if i != last])
        out.append(_fill(FRAMES[index], rng))
        last = index
    return out
