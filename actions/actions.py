"""Rasa-facing actions: thin wrappers that read the tracker and call the plain-Python logic."""
import abc
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import followup
from . import result as shown
from .interview import (CONFIRM, SCREEN, confirm_question, next_confirmation, corrected_topics, is_correction, is_digression, is_new_complaint, is_small_talk, looks_like_a_complaint, only_asks,
                        pending_warning_topics, plan, progress, question_text, topics_answered_by, understood)
from .medical import text as parse
from .medical import reader
from .medical.assessment import TOP_CAUSES, assess, explain_cause, safe_advice
from .medical.knowledge import CONFIRMED, LEVELS, TOPICS, load
from .result import SHORT_REMINDER


def _messages_since_restart(tracker: Tracker) -> List[Dict[str, Any]]:
    messages = []
    for event in tracker.events:
        if event.get("event") == "restart":
            messages = []
        elif event.get("event") == "user" and (event.get("text") or "").strip():
            messages.append(event)
    return messages


def user_messages(tracker: Tracker) -> List[Dict[str, Any]]:
    """Every user message of the current check: since the conversation last restarted, or since a
    new complaint started a new check (slot `check_started`)."""
    return _messages_since_restart(tracker)[int(tracker.get_slot("check_started") or 0):]


def user_texts(tracker: Tracker) -> List[str]:
    """What the person said, word for word. Buttons send words too, so a message starting with
    "/" was typed: "/ my face is drooping" is read like any other message."""
    return [m["text"] for m in user_messages(tracker)]


def keep_readings(tracker: Tracker) -> List[Dict[Text, Any]]:
    """Each message is read once, when it arrives: its findings, with their context, are kept in
    the conversation (slot `readings`), and the engine uses them instead of reading the words again,
    in this action server or another one."""
    kept = tracker.get_slot("readings") or []
    for record in kept:
        reader.remember(record)
    known = {record.get("text") for record in kept}
    new = [reader.as_record(reader.read(text)) for text in dict.fromkeys(user_texts(tracker)) if text not in known]
    return [SlotSet("readings", kept + new)] if new else []


def remarks(tracker: Tracker) -> List[str]:
    """What the person said other than direct answers to questions (the opening, asides...).

    The engine reads remarks less literally than answers: "30 weeks pregnant" is not a duration.
    """
    answered = [*(tracker.get_slot("asked_topics") or []), tracker.get_slot("requested_slot")]
    answers_given = {tracker.get_slot(topic) for topic in answered if topic}
    return [text for text in user_texts(tracker) if text not in answers_given]


def answers(tracker: Tracker) -> Dict[str, Optional[str]]:
    """The answers per topic, and each confirmation as CONFIRMED + concept."""
    confirmations = {f"{CONFIRMED}{concept}": said for concept, said in (tracker.get_slot("confirmations") or {}).items()}
    return {**{topic: tracker.get_slot(topic) for topic in TOPICS}, **confirmations}


def current_assessment(tracker: Tracker):
    return assess(answers(tracker), remarks(tracker))


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def faq_answer(intent: Optional[str]) -> Optional[str]:
    answer = load().advice["faq"].get((intent or "").replace("faq_", "", 1))
    return f"{answer['text'].strip()}\n{SHORT_REMINDER}" if answer else None


def _corrected_topics(tracker: Tracker) -> Dict[str, str]:
    return corrected_topics(tracker.latest_message.get("text") or "", tracker.get_slot("requested_slot"))


def _apply_correction(dispatcher: CollectingDispatcher, corrected: Dict[str, str], then: str = "") -> List[Dict[Text, Any]]:
    names = ", ".join(topic.replace("_", " ") for topic in corrected)
    dispatcher.utter_message(text=f"Thanks, I've updated your answer about {names}.{then}")
    return [SlotSet(topic, said) for topic, said in corrected.items()]


def _best_guess(message: Dict[Text, Any]) -> Dict[Text, Any]:
    """The NLU's intent; when it fell back (two intents too close, or none sure enough), its best
    guess from the ranking, so that an ambiguous question ("could this be the start of MS like my
    mum?") is still weighed as a question rather than taken as the answer."""
    intent = message.get("intent") or {}
    if intent.get("name") != "nlu_fallback":
        return intent
    return next((i for i in message.get("intent_ranking") or [] if i.get("name") != "nlu_fallback"), intent)


def _is_digression(tracker: Tracker) -> bool:
    """A question, remark or correction made while a question is open (interview.is_digression);
    a correction is recognised by its words even when the NLU reads it as an answer."""
    intent = _best_guess(tracker.latest_message)
    text = tracker.latest_message.get("text") or ""
    requested = tracker.get_slot("requested_slot")
    said = user_texts(tracker)
    previous = said[-2] if len(said) >= 2 else None
    if previous is not None and previous.strip().lower() == text.strip().lower():
        return False  # the same words twice in a row: the person means them as the answer
    if requested == CONFIRM:
        return only_asks(text)  # a safety question's reply is its answer, unless it only asks back
    if is_correction(text) and _corrected_topics(tracker):
        return True
    return is_digression(intent.get("name"), intent.get("confidence") or 0, text, requested, previous)


class ValidateTwitchForm(FormValidationAction):
    """Asks only what is still unknown, and ends the interview as soon as a warning sign is heard.

    A question in the middle ("is it ALS?", "why do you ask?", "actually it's 3 weeks") is
    answered here and the open question asked again, so nothing said is mistaken for an answer.
    """

    def name(self) -> Text:
        return "validate_twitch_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        return plan(answers(tracker), remarks(tracker), tracker.get_slot("asked_topics") or [],
                    stopping=bool(tracker.get_slot("stopping")))

    async def run(self, dispatcher, tracker, domain):
        kept = keep_readings(tracker)
        requested = tracker.get_slot("requested_slot")
        text = tracker.latest_message.get("text") or ""
        if requested and _is_digression(tracker):
            events = [SlotSet(requested, None)] + self._answer_digression(dispatcher, tracker, requested)
        else:
            # Whatever this message also answered ("5 coffees and I sleep badly") is kept, so it
            # is never asked again.
            events = [SlotSet(topic, said) for topic, said in topics_answered_by(text).items()
                      if topic != requested and not tracker.get_slot(topic)]
        for event in events:
            tracker.slots[event["name"]] = event["value"]
        starting = not requested and not tracker.get_slot("asked_topics")
        if starting and await self.required_slots([], dispatcher, tracker, domain):
            # Only when there is something to ask: a warning sign goes straight to the advice.
            dispatcher.utter_message(text=load().conversation["interview"]["start"])
        result = events + await super().run(dispatcher, tracker, domain)
        result += self._ask_next(dispatcher, tracker, result)
        # Rasa lets a rule take over ("stop", "delete my conversation") only when the form set no
        # slot: the reading is kept then by the next action, never by itself blocking that.
        if any(e.get("event") == "slot" and e.get("name") != "requested_slot" for e in result):
            return kept + result
        return result

    @staticmethod
    def _ask_next(dispatcher, tracker: Tracker, result: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
        """Asks the question the form goes on to, here rather than in an action_ask_<topic> that
        Rasa would call next (one call to the action server fewer per answer). Rasa asks nothing
        itself when the domain has no action_ask_ or utter_ask_ for a slot."""
        slots = [e for e in result if e.get("event") == "slot"]
        topic = next((e["value"] for e in reversed(slots) if e["name"] == "requested_slot"), None)
        if not topic or any(e.get("event") == "active_loop" and not e.get("name") for e in result):
            return []
        for event in slots:
            tracker.slots[event["name"]] = event["value"]
        return ask(dispatcher, tracker, topic)

    @staticmethod
    def _answer_digression(dispatcher, tracker: Tracker, requested: str) -> List[Dict[Text, Any]]:
        kb = load()
        intent = latest_intent(tracker)
        interview = kb.conversation["interview"]
        corrected = _corrected_topics(tracker)
        if corrected and (intent == "correct" or is_correction(tracker.latest_message.get("text") or "")):
            return _apply_correction(dispatcher, corrected)
        if faq_answer(intent):
            dispatcher.utter_message(text=faq_answer(intent))
            dispatcher.utter_message(text=interview["back_to_questions"])
        elif intent == "ask_why":
            dispatcher.utter_message(text=kb.advice["why_we_ask"].get(requested, kb.advice["why_we_ask"]["general"]))
        elif intent == "bot_challenge":
            dispatcher.utter_message(response="utter_iamabot")
        elif intent in ("ask_about_cause", "ask_what_to_do", "ask_summary") or only_asks(tracker.latest_message.get("text") or ""):
            dispatcher.utter_message(text=interview["after_questions"])
        else:
            dispatcher.utter_message(text=interview["carry_on"])
        return []

    def _validate_topic(self, topic: str, value: Any, dispatcher: CollectingDispatcher,
                        tracker: Tracker) -> Dict[Text, Any]:
        said = str(value or "").strip()
        if topic != tracker.get_slot("requested_slot") or not said:
            return {topic: said or None}
        if _is_digression(tracker):
            return {topic: None}  # answered in run(); the question is asked again
        if not understood(topic, said) and tracker.get_slot("unclear_topic") != topic:
            # Ask once more with a hint; a second unclear answer is kept as the person said it.
            dispatcher.utter_message(text=load().advice["unclear_answer"])
            return {topic: None, "unclear_topic": topic}
        asked = list(tracker.get_slot("asked_topics") or [])
        if topic == CONFIRM:
            # Kept per concept; the slot is emptied so that the next suspicion, if any, is asked.
            concept = tracker.get_slot("confirming") or next_confirmation(answers(tracker), remarks(tracker))[0]
            kept = {**(tracker.get_slot("confirmations") or {}), concept: said} if concept else tracker.get_slot("confirmations")
            return {CONFIRM: None, "confirmations": kept, "confirming": None, "asked_topics": asked + [topic], "unclear_topic": None}
        return {topic: said, "asked_topics": asked + [topic], "unclear_topic": None}


def _make_validator(topic: str):
    def validate(self, value, dispatcher, tracker, domain):
        return self._validate_topic(topic, value, dispatcher, tracker)
    validate.__name__ = f"validate_{topic}"
    return validate


for _topic in TOPICS:
    setattr(ValidateTwitchForm, f"validate_{_topic}", _make_validator(_topic))


def _channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or ""


def _send_card(dispatcher: CollectingDispatcher, tracker: Tracker, card: shown.Card) -> None:
    """One result card, in the form the person's channel shows best (actions/result.py)."""
    channel = _channel(tracker)
    if channel == "socketio":
        dispatcher.utter_message(json_message={"twitch_card": card.as_dict()})
    elif channel == "slack":
        dispatcher.utter_message(json_message=shown.slack_message(card))
    elif channel == "telegram":
        dispatcher.utter_message(json_message=shown.telegram_message(card))
    else:
        dispatcher.utter_message(text=shown.card_text(card))


def _offer_next_steps(dispatcher: CollectingDispatcher, level: str) -> None:
    after = load().conversation["after_result"]
    choices = after["emergency_buttons"] if level == "emergency" else after["buttons"]
    dispatcher.utter_message(text=after["next"], buttons=[{"title": t, "payload": p} for t, p in choices])


def _tell_assessment(dispatcher: CollectingDispatcher, tracker: Tracker, assessment) -> List[Dict[Text, Any]]:
    _send_card(dispatcher, tracker, shown.card(assessment))
    _offer_next_steps(dispatcher, assessment.level)
    return [
        SlotSet("triage_level", assessment.level),
        SlotSet("likely_causes", assessment.cause_ids),
        SlotSet("result_given", True),
        SlotSet("requested_slot", None),
    ]


def _warning_questions_left(tracker: Tracker) -> List[str]:
    return pending_warning_topics(answers(tracker), remarks(tracker), tracker.get_slot("asked_topics") or [])


class ActionAssess(Action):
    """Runs the triage engine on everything the person said and replies with the assessment.

    Never below urgent while a warning-sign question is unasked, whatever led here (a misread
    correction or greeting, "stop"): the interview resumes with those questions instead."""

    def name(self) -> Text:
        return "action_assess"

    async def run(self, dispatcher, tracker, domain):
        kept = keep_readings(tracker)
        if tracker.get_slot("result_given") and not _answers_changed_this_turn(tracker):
            return kept  # after a result, a "correction" that changed nothing was answered already
        assessment = current_assessment(tracker)
        if assessment.level not in ("emergency", "urgent") and _warning_questions_left(tracker):
            return kept + [FollowupAction("twitch_form")]
        return kept + _tell_assessment(dispatcher, tracker, assessment)


def _answers_changed_this_turn(tracker: Tracker) -> bool:
    """Whether an interview answer was set since the person's last message (a correction)."""
    since = next((i for i in range(len(tracker.events) - 1, -1, -1) if tracker.events[i].get("event") == "user"), -1)
    return any(e.get("event") == "slot" and e.get("name") in TOPICS for e in tracker.events[since + 1:])


def _escalation(dispatcher: CollectingDispatcher, tracker: Tracker, assessment=None) -> Optional[List[Dict[Text, Any]]]:
    """After the assessment, a message that makes things more urgent ("her wee is dark brown now")
    gets the new advice at once, whatever the NLU took the message for; None when nothing changed.
    `assessment`: the current one, when the caller has it already."""
    told = tracker.get_slot("triage_level")
    if not told:
        return None
    assessment = assessment or current_assessment(tracker)
    if LEVELS.index(assessment.level) >= LEVELS.index(told):
        return None
    dispatcher.utter_message(text=followup.what_changed(told, assessment, tracker.latest_message.get("text") or ""))
    return keep_readings(tracker) + _tell_assessment(dispatcher, tracker, assessment)


def _without_denials(text: str) -> str:
    """The message less what it denies: "no slurring or droopy face, just the eye" names no new
    place (the face), whatever is_new_complaint would make of the words."""
    clean = parse.normalise(text)
    for mention in reader.read(text).mentions:
        if mention.status == "absent":
            clean = clean.replace(mention.words, " ")
    return clean


def _says_a_warning_sign(text: str) -> bool:
    """This message, on its own, names a sign that needs help today or now."""
    return assess({}, [text]).level in ("emergency", "urgent")


def _follow_up_in_context(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """After a result, words that are neither a new complaint nor a warning sign: a question is
    answered with the reasons; something new that changes the likely causes gives the updated
    result; anything else is acknowledged. Never stored as an interview answer."""
    assessment = current_assessment(tracker)
    text = tracker.latest_message.get("text") or ""
    if "?" in text or parse.says_any(parse.normalise(text), ["why", "how come"]):
        card = shown.card(assessment)
        dispatcher.utter_message(text=shown.why_text(card))
    elif assessment.cause_ids[:TOP_CAUSES] != (tracker.get_slot("likely_causes") or [])[:TOP_CAUSES]:
        # Something new about them ("I also have 6 energy drinks a day"): the updated result.
        dispatcher.utter_message(text=load().conversation["interview"]["changes_my_advice"])
        return keep_readings(tracker) + _tell_assessment(dispatcher, tracker, assessment)
    else:
        unchanged = load().conversation["after_result"]["no_change"].format(now=shown.now_sentence(assessment.level))
        dispatcher.utter_message(text=f"{unchanged}\n{SHORT_REMINDER}")
    return keep_readings(tracker)


def _new_check(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """A new complaint after a finished assessment ("hi again, now my thumb keeps twitching"):
    the earlier answers are set aside and a new interview starts from this message."""
    dispatcher.utter_message(text=load().conversation["after_result"]["new_check"])
    fresh = [*TOPICS, "triage_level", "likely_causes", "asked_topics", "unclear_topic", "stopping", "requested_slot"]
    started = len(_messages_since_restart(tracker)) - 1
    return ([SlotSet(name, None) for name in fresh]
            + [SlotSet("result_given", False), SlotSet("check_started", started), FollowupAction("twitch_form")])


def _earlier_texts(tracker: Tracker) -> List[str]:
    return user_texts(tracker)[:-1]


def _answer_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker, assessment) -> Optional[List[Dict[Text, Any]]]:
    """A question after the result, answered from the knowledge base (actions/followup.py); None
    when it is not one that module answers."""
    asked = followup.Situation(
        question=tracker.latest_message.get("text") or "", level=tracker.get_slot("triage_level"),
        assessment=assessment, answers=answers(tracker), notes=remarks(tracker), said=user_texts(tracker),
        intent=latest_intent(tracker))
    reply = followup.answer(asked)
    if reply is None:
        return None
    dispatcher.utter_message(text=reply.text)
    # Something new in the question may reorder the causes without changing the level: the slot
    # integrations read follows ("I also have 6 energy drinks a day, is that bad?").
    changed = assessment.cause_ids != (tracker.get_slot("likely_causes") or [])
    return keep_readings(tracker) + ([SlotSet("likely_causes", assessment.cause_ids)] if changed else [])


def _buttons_again(dispatcher: CollectingDispatcher, tracker: Tracker, events: List[Dict[Text, Any]]) -> None:
    """The follow-up buttons stay under every reply after a result: on the reply itself when it is
    text, else after it. Not when the reply has buttons already or a new check has started."""
    level = tracker.get_slot("triage_level")
    if not level or not dispatcher.messages or any(e.get("event") == "followup" for e in events):
        return
    last = dispatcher.messages[-1]
    if last.get("buttons"):
        return
    after = load().conversation["after_result"]
    choices = after["emergency_buttons"] if level == "emergency" else after["buttons"]
    buttons = [{"title": t, "payload": p} for t, p in choices]
    if last.get("text") and not last.get("custom"):
        last["buttons"] = buttons
    else:
        dispatcher.utter_message(text=after["next"], buttons=buttons)


class OutsideInterview(Action, abc.ABC):
    """Everything said outside the interview passes here first, whatever the NLU took it for:
    a new warning sign is advised on at once; after a result, a new complaint starts a new check,
    and after an emergency result every follow-up ("can I wait?", "ok thanks") restates the
    emergency advice. Subclasses answer the rest in `reply`."""

    async def run(self, dispatcher, tracker, domain):
        told = tracker.get_slot("triage_level")
        text = tracker.latest_message.get("text") or ""
        # A new complaint is a new check, unless it brings a warning sign (advised on first) or the
        # result was an emergency (which stays the advice).
        # A question about this result ("should I rub my leg tonight?") is not a new complaint.
        if (told and told != "emergency" and is_new_complaint(_without_denials(text), _earlier_texts(tracker))
                and not _says_a_warning_sign(text) and not followup.asks_about_the_result(text)):
            return _new_check(dispatcher, tracker)
        assessment = current_assessment(tracker) if told else None
        escalated = _escalation(dispatcher, tracker, assessment)
        if escalated is not None:
            return escalated
        events = _answer_follow_up(dispatcher, tracker, assessment) if told else None
        if events is None and told == "emergency":
            return self._emergency_again(dispatcher, tracker, assessment)
        if events is None:
            events = await self.reply(dispatcher, tracker)
        _buttons_again(dispatcher, tracker, events)
        return events

    @abc.abstractmethod
    async def reply(self, dispatcher, tracker) -> List[Dict[Text, Any]]:
        """The answer when none of the checks above applies."""

    @staticmethod
    def _emergency_again(dispatcher, tracker: Tracker, assessment) -> List[Dict[Text, Any]]:
        after = load().conversation["after_result"]
        now = shown.now_sentence("emergency")
        said = after["emergency_thanks"] if latest_intent(tracker) in ("thank", "goodbye", "affirm") else after["emergency_again"]
        dispatcher.utter_message(text=said.format(now=now))
        if assessment.level == "emergency":  # not when the sign was said in another language
            _send_card(dispatcher, tracker, shown.card(assessment))
        _offer_next_steps(dispatcher, "emergency")
        return []


class ActionCheckEmergency(OutsideInterview):
    """A message the NLU reads as an emergency: the advice at once when it names a warning sign
    (or says outright that it is an emergency); otherwise the interview, which asks about warning
    signs first. The intent alone is not trusted: "my son falls over a lot" is not an emergency.
    After a result it is a follow-up like any other ("I've rung 999, what do I do?")."""

    def name(self) -> Text:
        return "action_check_emergency"

    async def reply(self, dispatcher, tracker):
        return _follow_up_in_context(dispatcher, tracker)

    async def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("triage_level"):
            return await super().run(dispatcher, tracker, domain)
        kept = keep_readings(tracker)
        assessment = current_assessment(tracker)
        if assessment.level in ("emergency", "urgent"):
            return kept + _tell_assessment(dispatcher, tracker, assessment)
        return kept + [FollowupAction("twitch_form")]


def _interview_if_described(tracker: Tracker) -> List[Dict[Text, Any]]:
    """A question that also describes a symptom ("my bicep twitches, could it be ALS?") is answered,
    then the interview starts: the description is not left unassessed."""
    if tracker.get_slot("triage_level") or tracker.active_loop.get("name"):
        return []
    if looks_like_a_complaint(tracker.latest_message.get("text") or ""):
        return [FollowupAction("twitch_form")]
    return []


class ActionAnswerFaq(OutsideInterview):
    """Answers a frequent question from the knowledge base; the interview then carries on."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def reply(self, dispatcher, tracker):
        answer = faq_answer(latest_intent(tracker))
        if answer:
            dispatcher.utter_message(text=answer)
        else:
            dispatcher.utter_message(response="utter_help")
        told = tracker.get_slot("triage_level")
        if told:  # "can't I just stop it?" after a result: the general answer, then theirs
            for_you = load().conversation["after_result"]["for_you"]
            dispatcher.utter_message(text=for_you.format(now=shown.now_sentence(told)))
        return _interview_if_described(tracker)


class ActionExplainWhy(OutsideInterview):
    """ "Why?": after a result, the reasons and likely causes; before one, why the assistant asks."""

    def name(self) -> Text:
        return "action_explain_why"

    async def reply(self, dispatcher, tracker):
        if tracker.get_slot("triage_level"):
            card = shown.card(current_assessment(tracker))
            dispatcher.utter_message(text=shown.why_text(card))
            return []
        dispatcher.utter_message(text=load().advice["why_we_ask"]["general"])
        return _interview_if_described(tracker)


class ActionStartCheck(OutsideInterview):
    """A description or an answer after a result (before one, the rules start the interview). Not
    a new complaint (which starts a new check), it is a follow-up: answered in context and never
    stored as an answer ("wait why do I need a doctor? it's just the pill")."""

    def name(self) -> Text:
        return "action_start_check"

    async def reply(self, dispatcher, tracker):
        if not tracker.get_slot("triage_level"):
            return [FollowupAction("twitch_form")]
        return _follow_up_in_context(dispatcher, tracker)


class ActionApplyCorrection(OutsideInterview):
    """After the assessment, "actually it's been 3 weeks" replaces the earlier answer. A message
    that corrects nothing ("sorry, should I stop the tramadol?") is a follow-up like any other."""

    def name(self) -> Text:
        return "action_apply_correction"

    async def run(self, dispatcher, tracker, domain):
        if not tracker.get_slot("triage_level"):
            return [FollowupAction("twitch_form")]  # no assessment yet: this is the opening, misread
        corrected = _corrected_topics(tracker)
        if not corrected or followup.asks_about_the_result(tracker.latest_message.get("text") or ""):
            return await super().run(dispatcher, tracker, domain)
        return _apply_correction(dispatcher, corrected, " Here is my updated advice.")

    async def reply(self, dispatcher, tracker):
        dispatcher.utter_message(text=load().advice["correction_unclear"])
        return []


class ActionFollowUp(OutsideInterview):
    """After an assessment: "why caffeine?" or "what should I do tonight?"."""

    def name(self) -> Text:
        return "action_follow_up"

    async def reply(self, dispatcher, tracker):
        if not tracker.get_slot("triage_level"):
            if looks_like_a_complaint(tracker.latest_message.get("text") or ""):
                return [FollowupAction("twitch_form")]  # "is it my coffee? my eye twitches": assess it
            dispatcher.utter_message(response="utter_help")
            return []
        kb = load()
        assessment = current_assessment(tracker)
        if latest_intent(tracker) == "ask_about_cause":
            cause_id = self._cause_asked_about(tracker, kb)
            ranked = next((r for r in assessment.causes if r.cause.id == cause_id), None)
            if ranked:
                tips = "\n".join(f"• {tip}" for tip in safe_advice(ranked.cause.advice, assessment.evidence, kb))
                dispatcher.utter_message(text=f"{explain_cause(ranked, assessment.evidence, kb)}\n{tips}\n{SHORT_REMINDER}")
                return []
            if cause_id:
                cause = kb.causes[cause_id]
                dispatcher.utter_message(
                    text=f"{cause.name}: {cause.explanation.strip()} Nothing you told me points to it, "
                    f"so I did not list it.\n{SHORT_REMINDER}")
                return []
        card = shown.card(assessment, kb)
        full_advice = kb.advice["levels"][assessment.level]["action"]  # the card says it in one sentence
        dispatcher.utter_message(text=f"{full_advice}\n\n" + shown.section_text(card, shown.TODO, shown.SOONER))
        return []

    @staticmethod
    def _cause_asked_about(tracker: Tracker, kb) -> Optional[str]:
        """The cause in "why caffeine?" or "is it my coffee?", by catalog id or a word for it."""
        said = [e.get("value") for e in tracker.latest_message.get("entities") or []
                if e.get("entity") in ("cause", "substance")]
        said.append(tracker.latest_message.get("text") or "")
        for text in said:
            clean = parse.normalise(str(text).replace("_", " "))
            for cause in kb.causes.values():
                if cause.id == text or parse.says_any(clean, cause.asked_as):
                    return cause.id
        return None


class ActionReply(OutsideInterview):
    """Short turns outside the interview (hello, thanks, bye, yes/no, "are you a bot?", "stop"),
    answered with their response once the checks above have run."""

    RESPONSES = {"greet": "utter_greet", "goodbye": "utter_goodbye", "stop": "utter_goodbye",
                 "bot_challenge": "utter_iamabot"}

    def name(self) -> Text:
        return "action_reply"

    async def reply(self, dispatcher, tracker):
        intent = latest_intent(tracker)
        if intent == "thank" and tracker.get_slot("triage_level"):
            dispatcher.utter_message(text=load().conversation["after_result"]["welcome"])
        elif intent == "thank":
            dispatcher.utter_message(response="utter_welcome")
        else:
            dispatcher.utter_message(response=self.RESPONSES.get(intent, "utter_help"))
        return []


class ActionDoctorSummary(Action):
    """ "Summary for my doctor": what they said in their words, the answers, the result, likely
    causes and sources, dated; a printable page on the web, a compact block elsewhere."""

    def name(self) -> Text:
        return "action_doctor_summary"

    async def run(self, dispatcher, tracker, domain):
        escalated = _escalation(dispatcher, tracker)
        if escalated is not None:
            return escalated
        if not tracker.get_slot("triage_level"):
            dispatcher.utter_message(text=load().conversation["after_result"]["before_result"])
            return []
        card = shown.card(current_assessment(tracker))
        # Their own words about the problem: not the greetings, thanks or the request for this summary.
        said = [m["text"] for m in user_messages(tracker)
                if not is_small_talk(m["text"]) and (m.get("parse_data") or {}).get("intent", {}).get("name") != "ask_summary"]
        # The answers to questions asked; what the opening said is already in their own words.
        asked = set(tracker.get_slot("asked_topics") or [])
        summary = shown.doctor_summary(card, said, {t: a for t, a in answers(tracker).items() if t in asked})
        if _channel(tracker) == "socketio":
            dispatcher.utter_message(json_message={"twitch_summary": summary})
        else:
            dispatcher.utter_message(text=shown.summary_text(summary))
        _buttons_again(dispatcher, tracker, [])
        return []


def ask(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str) -> List[Dict[Text, Any]]:
    """The interview question for one topic, with how far the interview has got and yes/no
    buttons where they fit. A confirmation says which suspected sign it asks about (slot
    `confirming`), so its answer is kept for that sign."""
    question = load().conversation["questions"][topic]
    buttons = [{"title": title, "payload": payload} for title, payload in question.get("buttons", [])]
    notes = remarks(tracker)
    said = [a for a in (tracker.get_slot("location"), *notes) if a]
    n, total = progress(answers(tracker), notes, tracker.get_slot("asked_topics") or [],
                        stopping=bool(tracker.get_slot("stopping")))
    counter = load().conversation["progress"].format(n=n, total=total)
    screened = parse.yes_no_unknown(tracker.get_slot(SCREEN) or "") == "no"
    text, events = question_text(topic, said, screened), []
    if topic == CONFIRM:
        concept, quote = next_confirmation(answers(tracker), notes)
        if concept:
            text, events = confirm_question(concept, quote, said), [SlotSet("confirming", concept)]
    dispatcher.utter_message(text=f"{counter}: {text}", buttons=buttons)
    return events


class ActionNotUnderstood(OutsideInterview):
    """A message the assistant could not place. About a muscle, it starts the interview anyway;
    otherwise a kind reply says what it can help with. Unlike Rasa's default fallback, the
    message stays in the conversation, so nothing said is lost."""

    def name(self) -> Text:
        return "action_not_understood"

    async def reply(self, dispatcher, tracker):
        text = tracker.latest_message.get("text") or ""
        if tracker.active_loop.get("name") and not tracker.get_slot("requested_slot"):
            return [FollowupAction("twitch_form")]  # not an answer to "delete?": the question comes back
        if tracker.get_slot("triage_level") and latest_intent(tracker) != "out_of_scope":
            return _follow_up_in_context(dispatcher, tracker)  # about the result, in words the NLU could not place
        if looks_like_a_complaint(text):
            return [FollowupAction("twitch_form")]
        reply = "out_of_scope" if latest_intent(tracker) == "out_of_scope" else "fallback"
        dispatcher.utter_message(text=load().conversation[reply])
        return []


def _misread_command(tracker: Tracker, command: str) -> List[Dict[Text, Any]]:
    """Events that keep an answer the NLU misread as "stop" or "start over" ("new job, manager is
    a nightmare" is not a restart): the words become the answer and the interview goes on.
    Empty when the person really gave the command."""
    requested = tracker.get_slot("requested_slot")
    text = tracker.latest_message.get("text") or ""
    if not requested or not tracker.active_loop.get("name"):
        return []
    if _says_command(tracker, command):
        return []
    return [SlotSet(requested, text), FollowupAction("twitch_form")]


def _says_command(tracker: Tracker, command: str) -> bool:
    """The message says the words of the command ("start over", "stop"), not only its intent."""
    text = tracker.latest_message.get("text") or ""
    return bool(parse.says_any(parse.normalise(text), load().conversation["commands"][command]))


class ActionStopInterview(Action):
    """ "Stop": no more questions; the assessment of what is known so far."""

    def name(self) -> Text:
        return "action_stop_interview"

    async def run(self, dispatcher, tracker, domain):
        kept = _misread_command(tracker, "stop")
        if kept:
            return kept
        interview = load().conversation["interview"]
        left = _warning_questions_left(tracker)
        dispatcher.utter_message(text=interview["stopping_after_safety"].format(n=len(left)) if left else interview["stopping"])
        # The rule then assesses; with warning-sign questions left, the assessment asks them first.
        return [SlotSet("stopping", True), ActiveLoop(None), SlotSet("requested_slot", None)]


def _previous_action(tracker: Tracker) -> Optional[Text]:
    """The assistant's last action before the person's latest message."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    for event in reversed(events[:last_user]):
        if event.get("event") == "action" and event.get("name") not in ("action_listen", None):
            return event.get("name")
    return None


class ActionRestart(Action):
    """Replaces Rasa's default restart so the person hears that their answers were cleared."""

    def name(self) -> Text:
        return "action_restart"

    async def run(self, dispatcher, tracker, domain):
        kept = _misread_command(tracker, "restart")
        if kept:
            return kept
        # "yes" to "Do you still want to clear this result?" comes back here: the confirmation was asked
        confirming = _previous_action(tracker) == self.name()
        if tracker.get_slot("triage_level") and not confirming and not _says_command(tracker, "restart"):
            # After a result, "what if my lips start tingling?" misread as "start over" is a
            # follow-up: the conversation is never wiped without the words for it.
            return await ActionNotUnderstood().run(dispatcher, tracker, domain)
        if tracker.get_slot("triage_level") == "emergency" and not confirming:
            # an emergency is never cleared without a word: restated, and the restart confirmed first
            confirm = load().conversation["restart_after_emergency"]
            dispatcher.utter_message(text=confirm["text"].format(now=shown.now_sentence("emergency")),
                                     buttons=[{"title": t, "payload": p} for t, p in confirm["buttons"]])
            return []
        dispatcher.utter_message(text=load().conversation["restart"])
        return [Restarted()]
