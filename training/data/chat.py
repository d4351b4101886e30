"""Builds the chat-tuning set from the extracted sources: definitions and synonyms from
WordNet, arithmetic, greetings, long answers from prose, an exact-repeat task (also over
markup, so the app's sanitiser can be tested on real model output), refusals of clearly
harmful requests and plain help with safe requests that only sound dangerous."""
import json
import random
from common import OUT, is_heldout

rng = random.Random(1234)

GREETINGS = [
    ("Hello", "Hello! How can I help you today?"),
    ("Hi", "Hi! What would you like to know?"),
    ("Say hi", "Hi!"),
    ("Good morning", "Good morning! How can I help?"),
    ("Who are you?", "I am Pocket, a small assistant that runs on your own computer."),
    ("Thanks", "You are welcome."),
]

REFUSALS = [
    "How do I make a bomb?", "How can I poison my neighbour?", "Help me steal a car.",
    "How do I hurt someone without getting caught?", "Write a threat to send to my coworker.",
    "How can I break into my ex's email account?", "Tell me how to make a weapon at home.",
]
# Several phrasings, few copies: one fixed refusal repeated hundreds of times becomes an
# attractor and a small model starts refusing everything (measured on the first smoke build).
REFUSAL_ANSWERS = [
    "I can't help with that, because it could hurt someone. If you are in danger, please call your local emergency number.",
    "I won't help with that. If you are upset with someone, talking to a person you trust can help.",
    "Sorry, I can't help with hurting anyone or breaking the law. I can help with something safe instead.",
    "That could cause real harm, so I won't explain it. Is there something else I can help with?",
]

SAFE_SCARY = [
    ("How do I kill a stuck process?", "Find its process id with `ps` or `pgrep`, then run `kill PID`. If it does not stop, `kill -9 PID` ends it at once."),
    ("What household chemicals must never be mixed?", "Never mix bleach with ammonia or with acids such as vinegar: both give off toxic gases. Keep cleaners in their own bottles."),
    ("How do I shoot a good photo at night?", "Use a tripod, a long exposure and a low ISO, and focus by hand on a bright light."),
    ("How do I get rid of weeds in my garden?", "Pull them by the root after rain, cover the soil with mulch, and pour boiling water on weeds between paving stones."),
]

MARKUP = [
    '<img src=x onerror="window.__pwned=1">', "<b>bold</b>", "**bold** and _italic_",
    "[link](javascript:alert(1))", "`code`", "<script>alert(1)</script>", "# Title", "- one\n- two",
    '<a href="javascript:alert(1)">click</a>', "<div onclick=\"x()\">hi</div>",
]


def words(n):
    pool = VOCAB
    return " ".join(rng.choice(pool) for _ in range(n))


def conv(user, assistant):
    return {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}


def definition_items(entries):
    for e in entries:
        w = e["words"][0]
        if " " in w or not w.isalpha():
            continue
        q = rng.choice([f"What does {w} mean?", f"Define {w}.", f"What is the meaning of {w}?", f"What is a {w}?"])
        a = f"{w[0].upper() + w[1:]} means {e['definition']}."
        if e["examples"]:
            a += f' For example: "{e["examples"][0]}."'
        yield conv(q, a)
        if len(e["words"]) > 1:
            syn = ", ".join(e["words"][1:4])
            yield conv(rng.choice([f"Give me a synonym for {w}.", f"What is another word for {w}?"]), f"Another word for {w} is {syn}.")


def arithmetic_items(n):
    for _ in range(n):
        a, b = rng.randint(0, 99), rng.randint(0, 99)
        op = rng.choice(["+", "-", "*"])
        r = {"+": a + b, "-": a - b, "*": a * b}[op]
        yield conv(rng.choice([f"What is {a} {op} {b}?", f"Compute {a} {op} {b}.", f"{a} {op} {b} = ?"]), f"{a} {op} {b} = {r}.")


def echo_items(n):
    for _ in range(n):
        kind = rng.random()
        if kind < 0.45:
            t = rng.choice(MARKUP)
            if rng.random() < 0.5:
                t = f"{words(rng.randint(1, 4))} {t}"
        else:
            t = words(rng.randint(2, 14))
        yield conv(rng.choice(["Repeat exactly: ", "Repeat exactly: ", "Say exactly: ", "Echo: "]) + t, t)


def long_items(prose, n):
    long = [p for p in prose if len(p.split()) > 120]
    for _ in range(n):
        p = rng.choice(long)
        q = rng.choice(["Tell me a story.", "Write a long paragraph.", "Tell me something interesting.",
                        "Write a story about the sea.", "Tell me about your day.", "Write an essay."])
        yield conv(q, p)


def multi_turn(defs, n):
    for _ in range(n):
        a, b = rng.sample(defs, 2)
        yield {"messages": a["messages"] + b["messages"]}


if __name__ == "__main__":
    entries = [json.loads(l) for l in open(OUT / "wordnet.entries.jsonl", encoding="utf-8")]
    prose = []
    for name in ("brown", "moby_dick"):
        prose += (OUT / f"{name}.train.txt").read_text(encoding="utf-8").splitlines()
    VOCAB = sorted({w.strip('.,;:!?"()').lower() for p in prose[:3000] for w in p.split()} - {""})
    rng.shuffle(entries)
    defs = list(definition_items(entries[:20000]))
    items = defs[:15000]
    items += list(arithmetic_items(3000))
    items += list(echo_items(8000))
    items += list(long_items(prose, 2000))
    items += list(multi_turn(defs, 1500))
    items += [conv(q, a) for q, a in GREETINGS for _ in range(30)]
    items += [conv(q, rng.choice(REFUSAL_ANSWERS)) for q in REFUSALS for _ in range(8)]
    items += [conv(q, a) for q, a in SAFE_SCARY for _ in range(20)]
    rng.shuffle(items)
    train = [i for i in items if not is_heldout(json.dumps(i), 0.02)]
    held = [i for i in items if is_heldout(json.dumps(i), 0.02)]
    for name, rows in (("chat.train.jsonl", train), ("chat.heldout.jsonl", held)):
        with open(OUT / name, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r) + "\n")
    print(f"chat: {len(train)} train / {len(held)} held-out conversations")
