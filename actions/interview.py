"""The interview plan: which topic to ask next, and what a message already answered.

Plain Python (no Rasa) so the plan can be tested on its own. Warning signs come right after
"where" and "how long": they decide the most important thing, how urgent this is.
"""
import re
from datetime import date
from functools import lru_cache
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from .medical import text as parse
from .medical.detect import detect
from .medical.knowledge import CONFIRMED, TOPICS, WARNING_TOPICS, KnowledgeBase, check_fits, load
from .medical.suspect import pending
from .medical.patient import Patient, read_patient
from .medical.triage import triage

MAX_QUESTIONS = 12        # about the complaint; the emergency screen comes on top (MAX_ASKED)
QUESTION_ORDER = (
    "emergency_signs", "location", "symptom_type", "duration", "weakness", "numbness", "bulbar", "wasting", "multiple_areas",
    "medications", "conditions", "pregnancy", "injury", "pain", "frequency", "hydration", "caffeine", "sleep",
    "stress", "exercise", "alcohol", "diet",
)
# The open question comes last, always: the net for what no other question asks about.
LAST_QUESTION = "anything_else"
# Asked first, as NHS 111 online does: the universal emergency signs, whatever the complaint.
SCREEN = "emergency_signs"
# A warning sign the learned layer suspects is asked about before anything else (suspect.py).
CONFIRM = "confirm"
MAX_ASKED = MAX_QUESTIONS + 1
CRAMP_FINDINGS = {"symptom_cramp", "symptom_spasm"}
FLUID_FINDINGS = CRAMP_FINDINGS | {"strenuous_exercise", "heat_exposure", "heavy_sweating", "vomiting_diarrhoea"}
# Topics asked only when they can change the answer, and what makes them matter.
ASKED_WHEN = {
    "symptom_type": lambda found: not ({"symptom_twitch"} | CRAMP_FINDINGS) & found,  # not yet said
    "frequency": lambda found: bool(CRAMP_FINDINGS & found),
    "hydration": lambda found: bool(FLUID_FINDINGS & found),
    "alcohol": lambda found: bool(CRAMP_FINDINGS & found),
    "pregnancy": lambda found: "symptom_cramp" in found,  # leg cramps are common in pregnancy
    "injury": lambda found: bool({"symptom_spasm", "pain", "back_or_neck_pain"} & found),
    "pain": lambda found: "recent_injury" in found,
    "diet": lambda found: bool({"long_duration", "multiple_areas", "tiredness", "restricted_diet"} & found),
}


def places(said: str) -> List[str]:
    """The body places a message names (lexicon.yml `places`), in the lexicon's order."""
    clean = parse.normalise(said)
    return [place for place, words in load().lexicon["places"].items() if parse.says_any(clean, words)]


# What an answer must contain to count as one; anything else is asked once more.
ANSWER_SHAPES = {
    "duration": lambda said: parse.duration_days(said) is not None,
    "sleep": lambda said: parse.hours(said) is not None,
    "caffeine": lambda said: parse.caffeine_cups(said) is not None or bool(parse.says_any(said, _turn_words("drinks"))),
    "location": lambda said: bool(places(said)),
}


def clearly_answers(topic: str, said: str) -> bool:
    """The answer has the shape its question asks for: a time span, hours, drinks, a body part."""
    shape = ANSWER_SHAPES.get(topic)
    return bool(shape and shape(parse.normalise(said)))


def looks_like_a_complaint(message: str) -> bool:
    """A message about a muscle symptom, even one the NLU could not place."""
    return bool({"symptom_type", "location"} & set(topics_answered_by(message)))


def understood(topic: str, said: str) -> bool:
    """Whether an answer says something usable about its topic ("not sure" counts)."""
    clean = parse.normalise(said)
    if not re.search(r"[a-z0-9]", clean):
        return False  # empty, emoji only, punctuation
    if parse.yes_no_unknown(said) is not None:
        return True
    if topic == "sleep":  # "badly", "not great" are answers too
        return bool(re.search(r"[a-z]{3}", clean))
    shape = ANSWER_SHAPES.get(topic)
    return shape(clean) if shape else bool(re.search(r"[a-z]{2}", clean))


def _interview_over(found) -> bool:
    """An emergency ends the interview at once: the advice comes first. (Urgent asks the warning
    signs still unasked, which could make it an emergency, then advises.)"""
    return triage(found).level == "emergency"


def topics_answered_by(message: str, loose: bool = False, kb: Optional[KnowledgeBase] = None) -> Dict[str, str]:
    """Topics a free-text message already answers, each mapped to the message itself.

    "my eyelid keeps twitching since monday, living on coffee" answers location, duration,
    symptom_type and caffeine, so none of them is asked again. `loose` is for corrections
    ("actually it's 3 weeks", "I meant 2 coffees"), where a bare amount is the new answer.
    """
    kb = kb or load()
    clean = parse.normalise(message)
    if not clean:
        return {}
    answered = {}
    if places(message):
        answered["location"] = message
    time_words = r"\b(for|since|past|last|ago|started|began)\b" if not loose else r"\b(days?|weeks?|months?|years?|hours?|since|yesterday)\b"
    if re.search(time_words, clean) and not parse.says_any(clean, _turn_words("sleep")) and parse.duration_days(message) is not None:
        answered["duration"] = message
    if loose and parse.says_any(clean, _turn_words("sleep")) and parse.hours(message) is not None:
        answered["sleep"] = message
    if loose and parse.caffeine_cups(message, bare_numbers=False):
        answered["caffeine"] = message
        answered.pop("duration", None)  # "2 coffees a day": "a day" is the rate, not how long
    found = detect({}, [message], kb)
    for finding_id in found:
        finding = kb.findings[finding_id]
        if finding_id in ("unsure_warning_sign", "tiredness") or finding.from_patient or finding.topic in ("location", "duration"):
            continue
        answered[finding.topic] = message
    return answered


def plan(answers: Mapping[str, Optional[str]], notes: Sequence[str] = (), asked: Sequence[str] = (),
         kb: Optional[KnowledgeBase] = None, stopping: bool = False) -> List[str]:
    """The topics this interview covers, in order: those answered so far plus those still to ask.

    `asked` are the topics already asked; at most MAX_QUESTIONS are ever asked.
    Returns [] once a warning sign is known, which ends the interview. `stopping` (the person
    said "stop") leaves only the warning-sign questions: those are never skipped.
    """
    if kb is None:
        try:  # the same inputs, the same plan: computed once per turn, not on every call
            return list(_plan_once(tuple(answers.items()), tuple(notes), tuple(asked), stopping, date.today()))
        except TypeError:  # an answer that is not text: planned as it is
            pass
    return _plan(answers, notes, asked, kb, stopping)


@lru_cache(maxsize=256)
def _plan_once(answers: Tuple, notes: Tuple, asked: Tuple, stopping: bool, _today: date) -> Tuple[str, ...]:
    return tuple(_plan(dict(answers), notes, asked, None, stopping))


def _plan(answers: Mapping[str, Optional[str]], notes: Sequence[str], asked: Sequence[str],
          kb: Optional[KnowledgeBase], stopping: bool) -> List[str]:
    kb = kb or load()
    evidence = detect(answers, notes, kb)
    found = set(evidence)
    if _interview_over(found):
        return []
    if triage(found).level == "urgent":
        # Urgent already: only what could make it an emergency is still worth asking (a slurred
        # word after a clumsy hand), never the lifestyle questions.
        topics = [t for t in QUESTION_ORDER if t in WARNING_TOPICS]
    else:
        topics = _plan_topics(answers, asked, found, stopping, notes, kb)
    if suspicion(answers, notes, evidence):
        return [CONFIRM] + topics
    if safety_check(answers, notes, evidence):
        at = topics.index(SCREEN) + 1 if SCREEN in topics else 0
        return topics[:at] + [CONFIRM] + topics[at:]
    return topics


def _confirmed(answers: Mapping[str, Optional[str]]) -> Dict[str, str]:
    return {k[len(CONFIRMED):]: v for k, v in answers.items() if k.startswith(CONFIRMED) and v}


def suspicion(answers: Mapping[str, Optional[str]], notes: Sequence[str], evidence=None):
    """(concept, quote) of the first warning sign the learned layer suspects in what was said and
    the lexicon did not confirm, not yet asked about; None when there is none."""
    said = [*notes, *(v for k, v in answers.items() if v and not k.startswith(CONFIRMED) and k != CONFIRM)]
    return pending(said, evidence if evidence is not None else detect(answers, notes), _confirmed(answers))


def safety_check(answers: Mapping[str, Optional[str]], notes: Sequence[str], evidence=None) -> Optional[str]:
    """The next warning-sign concept a safety question that fits the complaint asks about
    (checks.yml: a calf cramp -> a swollen calf; back pain with leg symptoms -> numbness around the
    bottom, bladder control), not yet asked and not already known; None when there is none."""
    evidence = evidence if evidence is not None else detect(answers, notes)
    said = [*notes, *(v for k, v in answers.items() if v and not k.startswith(CONFIRMED))]
    present = set(evidence) | {f"place:{p}" for text in said for p in places(text)}
    done, concepts = _confirmed(answers), load().concepts["warning_signs"]
    for check in load().checks:
        if not check_fits(check, present):
            continue
        for concept in check["asks"]:
            if concept not in done and not set(concepts[concept]["findings"]) & set(evidence):
                return concept
    return None


def next_confirmation(answers: Mapping[str, Optional[str]], notes: Sequence[str]) -> Tuple[Optional[str], Optional[str]]:
    """(concept, the person's words or None) for the `confirm` question to ask now."""
    evidence = detect(answers, notes)  # read once for both
    heard = suspicion(answers, notes, evidence)
    return heard if heard else (safety_check(answers, notes, evidence), None)


def _plan_topics(answers, asked, found, stopping, notes, kb) -> List[str]:
    if stopping:
        return [t for t in QUESTION_ORDER if answers.get(t) or t in asked or t in WARNING_TOPICS]
    # The open last question and the safety questions (the screen, a confirmation) are outside the
    # budget: none is ever dropped.
    topics, budget = [], MAX_QUESTIONS - 1 - len(set(asked) - {LAST_QUESTION, SCREEN, CONFIRM})
    patient = read_patient([*notes, *(a for a in answers.values() if a)])
    for topic in QUESTION_ORDER:
        if answers.get(topic) or topic in asked:
            topics.append(topic)
        elif topic == SCREEN:
            topics.append(topic)
        elif budget > 0 and fits(topic, patient, kb) and (topic not in ASKED_WHEN or ASKED_WHEN[topic](found)):
            topics.append(topic)
            budget -= 1
    return topics + [LAST_QUESTION]


def fits(topic: str, patient: Patient, kb: Optional[KnowledgeBase] = None) -> bool:
    """Whether a question can apply to this person (questions.yml `min_age`, `applies_to`): no
    pregnancy question for a man or a young child, no caffeine question about a toddler."""
    question = (kb or load()).conversation["questions"][topic]
    if "min_age" in question and patient.age is not None and patient.age < question["min_age"]:
        return False
    return "applies_to" not in question or getattr(patient, question["applies_to"])()


def progress(answers: Mapping[str, Optional[str]], notes: Sequence[str] = (), asked: Sequence[str] = (),
             stopping: bool = False) -> tuple:
    """(n, total) for "Question n of about total": the questions asked so far plus the one being
    asked, and those the plan still holds. "About": an answer can end or shorten the interview."""
    still = [t for t in plan(answers, notes, asked, stopping=stopping) if not answers.get(t)]
    asked_before = len(set(asked))
    return asked_before + 1, asked_before + max(len(still), 1)


def _place_word(said: Sequence[str]) -> Optional[tuple]:
    """(place, the word the person used for it) for the first place they named."""
    for text in said:
        clean = parse.normalise(text)
        for place, words in load().lexicon["places"].items():
            word = parse.says_any(clean, words)
            if word and place != "all_over":
                return place, word
    return None


def confirm_question(concept: str, quote: Optional[str], said: Sequence[str]) -> str:
    """ "You said “legs like jelly”: are your muscles weak...?" for a suspicion, "One more safety
    question: is your calf swollen...?" for a check; worded for whom it is about."""
    ask = load().concepts["warning_signs"][concept]["ask"]
    question = load().conversation["questions"][CONFIRM]
    template = question["text"] if quote else question["text_check"]
    return for_person(template.format(quote=quote, ask=ask[0].upper() + ask[1:]), read_patient(said))


def question_text(topic: str, said: Sequence[str], screened: bool = False) -> str:
    """The question for a topic in words that fit where the symptom is ("trouble closing your eye"
    for an eyelid, "trouble gripping" for a hand), what was said ("apart from your calves") and what
    the emergency screen already ruled out (`screened`: it was answered no)."""
    question = load().conversation["questions"][topic]
    where = _place_word(said)
    if screened and "text_after_screen" in question:
        text = question["text_after_screen"]
    elif where and where[0] in question.get("by_place", {}):
        text = question["by_place"][where[0]]
    elif where and "text_after_place" in question:
        text = question["text_after_place"].format(place=where[1])
    else:
        text = question["text"]
    return for_person(text, read_patient(said))


# "you" in a question, for someone who writes about another person: (second person, he, she, they).
_THIRD_PERSON = (
    ("Have you", "Has he", "Has she", "Have they"), ("have you", "has he", "has she", "have they"),
    ("Do you", "Does he", "Does she", "Do they"), ("do you", "does he", "does she", "do they"),
    ("Are you", "Is he", "Is she", "Are they"), ("are you", "is he", "is she", "are they"),
    ("Could you", "Could he", "Could she", "Could they"), ("could you", "could he", "could she", "could they"),
    ("would you", "would he", "would she", "would they"), ("you've", "he's", "she's", "they've"),
    ("you're", "he's", "she's", "they're"), ("Your", "His", "Her", "Their"), ("your", "his", "her", "their"),
    ("applies to you", "applies to him", "applies to her", "applies to them"),
    ("you feel", "he feels", "she feels", "they feel"), ("you take", "he takes", "she takes", "they take"),
)


def for_person(question: str, patient: Patient) -> str:
    """The question worded for whom it is about: "Has he noticed any weakness...?" for a wife
    writing about her husband. Phrases are replaced longest first, whole words only."""
    if not patient.about_other:
        return question
    column = {"he": 1, "she": 2}.get(patient.pronoun, 3)
    for forms in _THIRD_PERSON:
        question = re.sub(rf"\b{re.escape(forms[0])}\b", forms[column], question)
    return question


SYMPTOM_KINDS = {"symptom_twitch", "symptom_spasm", "symptom_cramp"}


def is_new_complaint(message: str, earlier: Sequence[str]) -> bool:
    """After a finished check, a complaint about a place or a kind of symptom not talked about
    before ("now my thumb keeps twitching") is a new check; "my eyelid is still going" is not."""
    if not looks_like_a_complaint(message):
        return False
    before_places = {p for text in earlier for p in places(text)}
    new_places = set(places(message)) - before_places
    if places(message):
        return bool(new_places)
    before_kinds = {f for text in earlier for f in detect({}, [text])} & SYMPTOM_KINDS
    return bool((set(detect({}, [message])) & SYMPTOM_KINDS) - before_kinds)


def next_topic(answers: Mapping[str, Optional[str]], notes: Sequence[str] = (), asked: Sequence[str] = ()) -> Optional[str]:
    return next((t for t in plan(answers, notes, asked) if not answers.get(t)), None)


def pending_warning_topics(answers: Mapping[str, Optional[str]], notes: Sequence[str] = (),
                           asked: Sequence[str] = ()) -> List[str]:
    """Warning-sign questions still to ask. No assessment below urgent is given while any remain,
    whatever the NLU made of the last message (a misread correction, greeting, "stop")."""
    return [t for t in plan(answers, notes, asked, stopping=True) if t in (*WARNING_TOPICS, CONFIRM) and not answers.get(t)]


# --- what a message in the middle of the interview is: an answer, a correction, or an aside ---

# Intents that are not answers: nothing is read into the interview from them. A warning sign is
# not one of them: said in answer to anything, it is kept and ends the interview.
DIGRESSIONS = {
    "faq_twitch_vs_cramp", "faq_is_it_als", "faq_magnesium", "faq_how_to_stop", "faq_when_see_doctor",
    "faq_what_is_fasciculation", "ask_why", "ask_about_cause", "ask_what_to_do", "ask_summary", "correct",
    "greet", "goodbye", "thank", "bot_challenge", "out_of_scope",
}
SMALL_TALK = {"greet", "goodbye", "thank", "bot_challenge", "out_of_scope"}
# Below this confidence a message sent while a question is open is taken as its answer.
DIGRESSION_CONFIDENCE = 0.6
QUESTION_DIGRESSION_CONFIDENCE = 0.3


def _turn_words(name: str) -> List[str]:
    return load().lexicon["turns"][name]


def is_correction(text: str) -> bool:
    """ "actually it's 3 weeks", "sorry, 3 DAYS not weeks", "I meant 2 coffees"."""
    return bool(parse.says_any(parse.normalise(text), _turn_words("correction")))


def corrected_topics(text: str, requested: Optional[str]) -> Dict[str, str]:
    """Earlier answers a correction replaces; the open question is not one of them."""
    return {t: said for t, said in topics_answered_by(text, loose=True).items() if t != requested}


def _digression_confidence(text: str, requested: Optional[str]) -> float:
    """A question ("but does magnesium actually help though?") is rarely the answer to one: a
    less confident question intent is enough, unless it also has the answer's shape ("no?")."""
    asks = "?" in text and parse.yes_no_unknown(text) is None and not (requested and clearly_answers(requested, text))
    return QUESTION_DIGRESSION_CONFIDENCE if asks else DIGRESSION_CONFIDENCE


QUESTION_START = re.compile(r"^(should|can|could|is|are|does|do|did|what|whats|why|how|will|would|when|where|which|who|"
                            r"shall|am|has|have|isnt|arent|wont)\b")


def only_asks(text: str) -> bool:
    """Every sentence of the message is a question: it asks rather than answers."""
    sentences = [s.strip() for s in re.findall(r"[^.?!\n]+[.?!]*", text or "") if re.search(r"[A-Za-z]", s)]
    # "no, should there be?" answers first: a sentence that opens with a yes or no is an answer
    openers = [parse.yes_no_unknown(s.split(",")[0]) for s in sentences]
    return bool(sentences) and all(s.endswith("?") or QUESTION_START.match(parse.normalise(s)) for s in sentences) \
        and parse.yes_no_unknown(text) is None and not any(openers)


def is_digression(intent: Optional[str], confidence: float, text: str, requested: Optional[str],
                  previous: Optional[str] = None) -> bool:
    """A question or remark made while a question is open, rather than its answer.

    The NLU's intent is a hint, checked against the words: a correction must name what it
    corrects, small talk must use small-talk words and not have the shape of an answer, and the
    same words sent twice in a row are taken as the answer (the person means it).
    """
    said_twice = previous is not None and previous.strip().lower() == text.strip().lower()
    if requested and only_asks(text) and not clearly_answers(requested, text) and not said_twice:
        return True  # "should I stop the new inhaler then?": answered, never stored as the answer
    if requested and intent not in ("correct",) and parse.yes_no_unknown(text) is not None:
        return False  # "I don't think so, they look the same as always" answers the question
    if intent not in DIGRESSIONS or confidence < _digression_confidence(text, requested):
        return False
    if intent == "correct" and not corrected_topics(text, requested):
        return False  # "better than before actually" corrects nothing: it answers the question
    if intent in SMALL_TALK and requested and clearly_answers(requested, text):
        return False
    words = load().lexicon["turns"].get(intent)
    if words and not parse.says_any(parse.normalise(text), words):
        return False
    return not said_twice


def is_small_talk(text: str) -> bool:
    """Only greetings, thanks or goodbyes ("hi", "/greet", "ok thanks!"): nothing about the problem."""
    words = {w for turn in ("greet", "thank", "goodbye") for w in _turn_words(turn) for w in w.split()}
    words |= {"ok", "okay", "greet", "again", "you", "so", "much", "very", "a", "lot", "lots", "there", "all"}
    return all(w in words for w in re.findall(r"[a-z]+", text.lower()))


def empty_answers() -> Dict[str, Optional[str]]:
    return {topic: None for topic in TOPICS}
