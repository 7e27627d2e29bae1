"""The group's course intents: check-in, practice, graduation (opt-out: optout.py; questions: question.py)."""
from __future__ import annotations

import re

from bot.language.clauses import RUN_ON, Clause
from bot.language.cues import Cues
from bot.language.normalize import CAP, DONE, NOT, PIC
from bot.language.places import Gazetteer
from bot.language.scope import Scope
from bot.language.shared import HITS, PARTICLES, Retraction, strip_particles

_DAY = re.compile(r"^(?:day|d|第)?\s*[0-9一二三四五六七八九十]{1,2}\s*天?$|^(?:今天|今日|day)$")
_CARD = re.compile(r"(?:^|[的把天次号])卡")  # 卡 as a thing: '昨天的卡', '把卡', '第三天卡'
# '打开', '第3天打开了': 打卡 said by voice input or a slip, as a clause of its own (not '打开链接')
_OPENED = re.compile(r"^(?:(?:day|d|第)?\s*[0-9一二三四五六七八九十]{1,2}\s*天?|今天|今日|已|已经|来)?打开(?:了|啦|咯|喽|✓)?$")
# '已经不错了', '已经很好了': 已经 with a judgement, not a deed done (a later clause after the work named)
_ALREADY_SO = re.compile(r"已经?(?:不|很|挺|太|够|蛮|非常|算|是|有|快|差不多|可以|还行|足够)")
# '今天也打了', '我打了' after a clause that names 打卡: the check-in said without its noun
# ... and '哎呀忘打卡了，现在补': made up now
_ELLIPTIC = re.compile(r"^(?:我|也|今天|今日|已经|早就|早|刚|刚刚|都|的|后来想想|想想|后来|最后|还是|终于|但|但是|不过|现在|马上|这就|立马)*"
                       r"(?:打了|打过了|打过啦|打上了|打完了|打好了|打啦|打咯|打喽|已打|补了|补上了|补上啦|补好了|现在补|马上补|这就补|立马补)$")
# '卡和作业都完成了', '今天的卡跟实操都搞定了': the day's 卡, named with the work, done together
_CARD_AND = re.compile(r"(?:^|(?<=[的天日]))卡(?=[和跟与、])")
# '打卡和实操都还没做': a not-done said of both things named together
_BOTH_NOT = re.compile(r"[和跟与、][^,，]{1,8}?(?:都|也)(?:还|都)?(?:没|不|未|忘)")
# '今天正式从小白班毕业', '从训练营顺利毕业': the class left, before 毕业 (not '从师范大学毕业')
# '我来打卡了今天的课听了两遍…': after the keyword and its 了, a new sentence of a voice-typed run-on (not '打卡了吗')
_DONE_THEN = re.compile(r"[了啦咯](?=[\u4e00-\u9fff]{4})(?![吗么没嘛呢吧啊呀不])")
# '最后还是弄好了', '我也搞定了': what may lead a deed said alone
_DEED_LEADS = re.compile(r"^(?:我|也|都|最后|还是|终于|总算|已经|刚刚|刚|今天|今日)+")
_TOPIC = ("嘛", "呢", "么", "啊", "呀")  # '实操嘛，…': the topic marked before what is said of it
# '毕业了就没人管我们了吧', '毕业以后群还在吗', '毕业了我们就散了': what follows graduating (a when-clause), not a graduation
_ONCE_GRADUATED = re.compile(r"毕业了?(?:以后|之后|后|完)|毕业了?[\u4e00-\u9fff]{0,4}?就(?!是我)|一毕业")
# '本期训练营毕业🎓', '小白班顺利毕业': the class named right before 毕业, without 从 (not '大学毕业', '师范毕业')
_CLASS_BEFORE = re.compile(r"^(?:本期|这期|这一期|我们)?[\u4e00-\u9fffa-z0-9]{0,6}?(?:训练营|营|班)(?=[\u4e00-\u9fff]{0,4}毕业)")
# '七天打卡全勤毕业', '21天学习圆满毕业': the days of the course counted before 毕业
_DAYS_BEFORE = re.compile(r"^[0-9一二三四五六七八九十两]{1,3}天(?:的)?(?:打卡|学习|课程|课)?")
# '今天的卡我打了', '卡俺已经打上了': the sender between the day's 卡 and its verb (read as '卡打了')
_CARD_I = re.compile(r"(?<=卡)(?:我|俺)(?=(?:也|已经|早就|就|先|都)?打)")
# '打个卡再去接孙子', '打完卡就去做饭了': the check-in, then what the sender goes on to do (its own clause)
_THEN_GO = re.compile(r"(?<=卡)(?=(?:再|就|然后|赶紧|马上)去)")
# '已实操', '今天实操了', '实操过了': 实操 said as the verb, done (not '实操了吗', '还没实操', '明天再实操')
_PRACTISED = re.compile(r"^(?:我|今天|今日|也|都|刚|刚刚)*(?:(?:已经?|都已经?|也已经?)实操过?[了啦咯喽哦哈呀啊哒]*|实操过?[了啦咯喽][哦哈呀啊哒]*)$")
# '搞定！第一次自己买基金': done said alone, then the first fund the sender bought (not '第一次买基金好紧张')
_FIRST_BUY = re.compile(r"^(?:我|今天|今日|终于)*第一次(?:自己|亲手|独立|亲自|真正)?(?:买|购买|买入|申购|定投)了?"
                        r"(?:一只|一支|一份|一笔|点)?(?:基金|货基|货币基金|指数基金|理财)")
_FROM_CLASS = re.compile(r"从[\u4e00-\u9fffa-z0-9]{1,8}?(?:班|营|课堂|课程|课)")


def _crossed(parts: list[Clause]) -> list[Clause]:
    """A cross standing alone belongs to the clause before it ('今日打卡：❌' says not done)."""
    if not any(NOT in c.text for c in parts) or not any(c.text.strip(NOT) == "" for c in parts):
        return parts
    out: list[Clause] = []
    for c in parts:
        if out and c.text.strip(NOT) == "":
            out[-1] = Clause(out[-1].text + NOT, out[-1].asked, c.spaced)
        else:
            out.append(c)
    return out


def _alternatives(parts: list[Clause]) -> list[Clause]:
    """'打卡要写心得吗？还是发个打卡就行': a clause that offers the other choice right after a question is asked too."""
    return [Clause(c.text, True, c.spaced, c.cut) if i and parts[i - 1].asked and c.text.startswith("还是") else c
            for i, c in enumerate(parts)]


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e or (s < end and start < e) for s, e in spans)


_RITUALS = ("打卡", "签到", "实操", "作业", "毕业", "功课")  # the course's own steps ('学习笔记' is no list of them)


class Intents:
    """Recognisers of the group's intents over clauses; each answers only what it is sure of."""

    def __init__(self, cues: Cues, scope: Scope, places: Gazetteer) -> None:
        self.scope = scope
        self.retracted = Retraction(cues, scope)
        self.checkin_words = cues.words("checkin", "words")
        self.checkin_compounds = cues.words("checkin", "compounds")
        self.subjects = cues.words("practice", "subjects")
        self.done = cues.words("practice", "done")
        self.practice_compounds = cues.words("practice", "compounds")
        self.shown = cues.words("practice", "shown")
        self.shown_heads = cues.words("practice", "shown_heads")
        self.shown_tails = cues.words("practice", "shown_tails")
        self.acts = cues.words("practice", "acts")
        self.sent_subjects = cues.words("practice", "sent_subjects")
        self.sent = cues.words("practice", "sent")
        self.doers = tuple(cues.words("practice", "doers"))
        self.tasks = cues.words("practice", "tasks")
        self.others_shots = tuple(cues.words("practice", "others_shots"))
        self.task_done = cues.words("practice", "task_done")
        self.task_before = cues.words("practice", "task_before")
        self.as_told = cues.words("practice", "as_told")
        self.graduation_words = cues.words("graduation", "words")
        self.graduation_compounds = cues.words("graduation", "compounds")
        self.graduation_leads = cues.words("graduation", "leads")
        self.graduation_particles = cues.words("graduation", "particles")
        self.graduation_others = cues.words("graduation", "others")
        self.graduation_wishes = cues.words("graduation", "wishes")
        self.graduation_self = cues.words("graduation", "self")
        self.landmarks = cues.words("checkin", "landmarks")
        self.contexts = cues.words("checkin", "contexts")
        self.undo = frozenset(cues.words("scope", "undo"))
        self.pointers = cues.words("scope", "pointers")
        self.asks_again = cues.words("checkin", "asks_again")
        self.checkin_derision = cues.words("checkin", "derision")
        self.checkin_intend = cues.words("checkin", "intend")
        self.studied = frozenset(cues.words("checkin", "studied"))
        self.graduation_firsts = cues.words("graduation", "firsts")
        self.graduation_days = cues.words("graduation", "days")
        self.places = places  # a place right before 打卡 is a visit ('故宫打卡')
        self.made_up = cues.words("checkin", "made_up")
        self.card_compounds = cues.words("checkin", "cards")
        self.self_not = cues.words("scope", "self_not")
        self.days = cues.words("checkin", "days")
        self.mentions = cues.words("checkin", "mentions")
        self.own_heads = cues.words("practice", "own_heads")
        self.laughter = cues.words("question", "laughter")
        days = "|".join(map(re.escape, cues.words("checkin", "made_up_days")))
        # '补个昨天的卡', '补一下第三天的卡': a day's 卡 made up, the day between 补 and 卡 (read as 补卡)
        self._made_up_day = re.compile(f"补(?:打|签)?(?:个|一下|下|一个|上)?(?:{days}|第?[0-9一二三四五六七八九十两]{{1,2}}[天号日]|day ?[0-9]{{1,2}}|d[0-9]{{1,2}})的?卡")
        self.others_posts = cues.words("scope", "others_posts")
        self.same_as = cues.words("scope", "same_as")
        helpers = "|".join(map(re.escape, cues.words("scope", "helpers")))
        # '在孙女帮助下', '老伴帮着', '女儿手把手教我' (not '老公帮我做了实操': the deed another's)
        self._helped = re.compile(f"(?:在|有|靠|经|经过|让|请|叫|找|由)?(?:我|我家|俺|俺家|我的|咱家)?(?:{helpers})的?"
                                  "(?:帮助|帮忙|协助|指导|手把手教我|手把手|教我|帮着|陪着)下?") if helpers else None
        self.manner = cues.words("practice", "manner")
        self.conceded_leads = cues.words("practice", "conceded_leads")
        self.rejected = cues.words("practice", "rejected")
        self.all_done = cues.words("practice", "all_done")
        self.listed = frozenset(cues.words("practice", "listed"))
        self.conditions = tuple(cues.words("practice", "conditions"))
        self.conditions_after = tuple(cues.words("practice", "conditions_after"))
        self.conditions_all = self.conditions + self.conditions_after
        self.reporters = tuple(cues.words("practice", "reporters"))
        # '打卡后记得截图哦', '打卡满七天就送书': a check-in word right before a condition (read at once when there is none)
        self._checkin_if = re.compile(f"(?:{'|'.join(map(re.escape, self.checkin_words))})(?:{'|'.join(map(re.escape, (*self.conditions, *self.conditions_after)))})")
        self.truth_asks = cues.words("practice", "truth_asks")
        surnames = "".join(w for w in cues.words("scope", "surnames") if len(w) == 1) or "\x00"
        self._name = re.compile(f"^(?:(?:{'|'.join(map(re.escape, cues.words('scope', 'name_heads')))})[{re.escape(surnames)}]"
                                f"|[{re.escape(surnames)}](?:{'|'.join(map(re.escape, cues.words('scope', 'name_tails')))}))"
                                if cues.words("scope", "name_heads") else r"(?!x)x")

    def own(self, parts: list[Clause]) -> list[Clause]:
        """The clauses that speak of the sender: without one that begins with another's name when the sender says they
        have not ('小王实操已经交了，我还没动')."""
        if len(parts) < 2 or not any(self.self_not.within(c.text) or self.pointers.within(c.text) for c in parts):
            return parts  # ... or points back at them ('小李实操已经做完了，大家可以参考她的')
        return [c for c in parts if self._name.match(c.text) is None]

    def _undone(self, parts: list[Clause], words: tuple[str, ...]) -> list[Clause]:
        """'实操还没……哦不，刚刚已经交了': a not-done taken back at once ('哦不', '不对'); what follows speaks of the work
        named before it."""
        if len(parts) < 3:
            return parts
        for k in range(1, len(parts) - 1):
            if parts[k].text.rstrip("了啦啊呀") not in self.undo:
                continue
            named = next((c.text[s:e] for c in reversed(parts[:k]) for s, e in words.spans(c.text)[:1]), None)
            if named is not None:
                nxt = parts[k + 1]
                return [Clause(named + nxt.text, nxt.asked, nxt.spaced), *parts[k + 2:]]
        return parts

    def _keyword(self, parts: list[Clause], words: tuple[str, ...], compounds: tuple[str, ...], visit: bool = False) -> bool:
        for clause in parts:
            found = words.spans(clause.text)[:HITS]
            if not found:
                continue
            blocked = compounds.spans(clause.text)
            text = self.scope.clean(clause.text) if visit else clause.text
            visited = self._visited(text) if visit else len(text)
            for start, end in found:
                if visit and (start >= visited or text.endswith(self.landmarks, 0, start) or self._visits(text, end)):
                    continue
                if not _inside(blocked, start, end) and self.scope.affirms(clause, start, end):
                    return True
        return False

    def _visits(self, text: str, end: int) -> bool:
        """'打卡北京环球影城', '打卡了故宫': the place visited named right after the keyword."""
        after = text[end:end + 10]
        after = after[1:] if after.startswith(("了", "过")) else after
        if not after or not "\u4e00" <= after[0] <= "\u9fff":
            return False
        places = self.places.find(after)
        return bool(places) and places[0].start == 0 or any(
            text.endswith(w, end, end + 1 + k) for w in ("宫", "塔", "寺", "公园", "景区", "古镇", "古城", "广场")
            for k in range(1, 8) if end + 1 + k <= len(text))

    def _visited(self, text: str) -> int:
        """Where a keyword starts to name a visit: after a place or another context ('在西安大雁塔打卡了',
        '去长沙茶颜悦色打卡', '上班打卡'; a landmark right before it, '故宫打卡', is checked at the keyword)."""
        places = self.places.find(text)
        return min(self.contexts.first_end(text, len(text)), places[0].end if places else len(text))

    def _answering(self, parts: list[Clause], quoted: str, words) -> list[Clause]:
        """'「小助手：今天的实操是开一个账户」 做完了': a reply to a quoted post that names the work, saying only 'done',
        speaks of the work named in the quote."""
        named = words.spans(quoted)[:1] if quoted else None
        if not named or not parts or any(words.within(c.text) for c in parts):
            return parts
        first = parts[0]
        if not (first.text.startswith(("已", DONE)) or any(s == 0 for s, _ in self.done.spans(first.text)[:1])):
            return parts
        return [Clause(quoted[named[0][0]:named[0][1]] + first.text, first.asked, first.spaced), *parts[1:]]

    def checkin(self, parts: list[Clause], quoted: str = "") -> bool:
        """'打卡' / 'Day2打卡' / '已打卡' / a lone ✅ / 'Day2 ✅ 实操也做完了'; not '还没打卡', '打卡在哪里打', '上班打卡'."""
        said = "".join(c.text for c in parts)  # nothing a check-in is said with: most chat, read at once
        if DONE not in said and "打开" not in said and "卡" not in said and not self.checkin_words.within(said):
            return "打" in said and self._day_elliptic(parts)  # '第三天，已打'
        if any(c.asked for c in parts):
            parts = _alternatives(parts)  # '打卡要写心得吗？还是发个打卡就行': the question goes on
        if any(i and self.mentions.within(c.text) and self.scope.asks(c) for i, c in enumerate(parts)):
            return False  # '打卡✅这个符号怎么打出来的？': the words before are asked about
        rest = [c.text.replace(DONE, "") for c in parts]
        if any(DONE in c.text for c in parts) and all(r == "" or _DAY.match(r) or self._studied(r) for r in rest):
            return True  # '✅', 'Day3 ✔️', 'Day 2 ✅', '今日已学✅'
        if rest and _DAY.match(rest[0]) and not rest[0].isdigit() and rest[0] not in ("今天", "今日") and (
                DONE in parts[0].text or len(parts) > 1 and parts[1].text == DONE):
            return True  # 'Day2 ✅ 实操也做完了', '第3天✅，今天学了定投': the day marked done heads the message
        if self.retracted(parts, resume=True, words=self.checkin_words):
            return False
        if any(self.checkin_derision.within(c.text) and self.checkin_words.within(c.text) for c in parts):
            return False  # '打卡打卡，天天打卡有什么用，骗人的吧': checking in derided
        if any(self.asks_again.within(c.text) and self.scope.asks(c) for c in parts):
            return False  # '我昨天就打过卡了，今天还要打吗？': asks whether to check in
        if self._course_listed(parts, said):
            return False  # '签到打卡实操毕业，这么多环节记不住啊': the course's words listed as a topic, then said of
        parts = self._undone(_crossed(parts), self.checkin_words)
        if any(len(c.text) >= RUN_ON for c in parts):
            parts = [p for c in parts for p in self._said_first(c)]
        if any(_OPENED.match(c.text) for c in parts):  # '打开，今天学的定投': 打卡 misheard
            parts = [Clause(c.text.replace("打开", "打卡"), c.asked, c.spaced) if _OPENED.match(c.text) else c for c in parts]
        parts = self._answering(parts, quoted, self.checkin_words)
        if any("卡" in c.text and _CARD_AND.search(c.text) and self.subjects.within(c.text) for c in parts):
            parts = [Clause(_CARD_AND.sub("打卡", c.text, count=1), c.asked, c.spaced) if self.subjects.within(c.text) else c
                     for c in parts]
        parts = [c for c in parts if _BOTH_NOT.search(c.text) is None] if any("都" in c.text or "也" in c.text for c in parts) else parts
        own = parts if len(parts) < 2 else self.own(parts)
        own = self._group_scope(own, said)
        if "卡我" in said or "卡俺" in said:
            own = [Clause(_CARD_I.sub("", c.text), c.asked, c.spaced, c.cut) for c in own]
        if "去" in said and any(_THEN_GO.search(c.text) for c in own):
            own = [Clause(t, c.asked, c.spaced, c.cut) for c in own for t in _THEN_GO.split(c.text)]
        if self._checkin_if.search(said) and any(self._condition(c.text, e) for c in own for _, e in self.checkin_words.spans(c.text)[:HITS]):
            own = [c for c in own if not any(self._condition(c.text, e) for _, e in self.checkin_words.spans(c.text)[:HITS])]
        if "补" in said and any("补" in c.text and self._made_up_day.search(c.text) for c in own):
            own = [Clause(self._made_up_day.sub("补卡", c.text), c.asked, c.spaced, c.cut) for c in own]  # '补个昨天的卡'
        if any(self.days.within(c.text) for c in own):  # '又是打卡的一天': the 的 names the day, not the thing
            own = [Clause(self.days.sub(c.text, "打卡_"), c.asked, c.spaced) if self.days.within(c.text) else c for c in own]
        if any(self.checkin_intend.within(c.text) for c in own):  # '今天也要打卡哦': what one means to do
            own = [c for c in own if not self._intends(c.text)]
        if len(own) > 1 and self.contexts.within(said) and self._routines(own):
            return False  # '社区老年大学天天打卡 这边又打卡 我都记混了': routines compared, no check-in said done
        return self._keyword(own, self.checkin_words, self.checkin_compounds, visit=True) or self._made_up(own) \
            or self._elliptic(own) or self._day_elliptic(own)

    def _day_elliptic(self, parts: list[Clause]) -> bool:
        """'今天第三天，已打✅', 'Day4 打了', a lone '已打✅': the check-in said without its noun, after the day it is for
        (or alone with a done mark) - not '疫苗第三针，已打✅', '第三天，打了吗'."""
        for i, c in enumerate(parts):
            if c.asked or not _ELLIPTIC.match(strip_particles(c.text, ("哈", "呀", "啊", "哦", DONE))):
                continue
            if i:
                day = parts[i - 1].text.replace(DONE, "")
                for lead in ("今天", "今日"):
                    day = day.removeprefix(lead)
                if _DAY.match(day) and not day.isdigit():
                    return True
            elif DONE in c.text or len(parts) > 1 and parts[1].text.strip(DONE) == "":
                return True
        return False

    def _routines(self, parts: list[Clause]) -> bool:
        """Another kind of check-in is named, and every other clause that names 打卡 says it as a habit (天天, 又, 每天)
        with nothing done ('这边又打卡', not '这边也打个卡了')."""
        other = [c for c in parts if self.checkin_words.within(c.text) and self.contexts.within(self.scope.clean(c.text))]
        rest = [c.text for c in parts if self.checkin_words.within(c.text) and c not in other]
        return bool(other) and bool(rest) and all(
            any(h in t for h in ("又", "天天", "每天", "每日")) and not any(d in t for d in ("了", "啦", "完", "好", DONE, "已"))
            for t in rest)

    def _said_first(self, clause: Clause) -> list[Clause]:
        """A long run-on cut after its first check-in and the 了 that ends it: what comes after is another sentence
        ('老师好我来打卡了今天的课听了两遍还是有点不太懂…' -> '老师好我来打卡了' | '今天的课…')."""
        if len(clause.text) < RUN_ON:
            return [clause]
        for _, end in self.checkin_words.spans(clause.text)[:1]:
            if _DONE_THEN.match(clause.text, end):
                return [Clause(clause.text[:end + 1]), Clause(clause.text[end + 1:], clause.asked, clause.spaced, True)]
        return [clause]

    def _studied(self, text: str) -> bool:
        """'今日已学', '第3天学完了': the day's lesson said studied (a check-in with a done mark)."""
        for day in ("今日", "今天", "今天的", "今日的"):
            text = text.removeprefix(day)
        return text in self.studied or strip_particles(text, PARTICLES) in self.studied  # '今天学完啦✅'

    def _intends(self, text: str) -> bool:
        """'今天也要打卡哦', '每天都要打卡': an intention (or a rule) right before the keyword."""
        ends = [e for _, e in self.checkin_intend.spans(text)[:HITS]]
        return any(any(0 <= s - e <= 2 for e in ends) for s, _ in self.checkin_words.spans(text)[:HITS])

    def _elliptic(self, parts: list[Clause]) -> bool:
        """'大家都打卡了吗？我打了', '老公说我天天打卡…，今天也打了': after a clause naming 打卡, the sender's own 打了."""
        for i, c in enumerate(parts):
            if i and _ELLIPTIC.match(strip_particles(c.text, ("哈", "呀", "啊", "哦", "✓"))) \
                    and any(self.checkin_words.within(p.text) for p in parts[:i]):
                return True
        return False

    def _made_up(self, parts: list[Clause]) -> bool:
        """'昨天的卡今天补上了': the day's 卡, named as a thing, made up later - not '银行卡补好了', '卡明天补上'."""
        for clause in parts:
            if "补" not in clause.text or "卡" not in clause.text:
                continue
            for s, e in self.made_up.spans(clause.text)[:HITS]:
                card = _CARD.search(clause.text, 0, s)
                if card and not self.card_compounds.within(clause.text) and self.scope.affirms(clause, s, e):
                    return True
        return False

    def practice(self, parts: list[Clause], quoted: str = "") -> bool:
        """'实操完成' / '作业已交' / '已完成实操' / '实操搞定✌️'; not '实操怎么做', '实操完成不了'."""
        said = "".join(c.text for c in parts)  # no work named, shown or sent: most chat, read at once
        if "第一次" in said and self._first_buy(parts):
            return True  # '搞定！第一次自己买基金，有点激动'
        if PIC not in said and not self.subjects.within(said) and not self.sent_subjects.within(said) and not (
                quoted and self.subjects.within(quoted)):
            return self.tasks.within(said) and self._task_done(parts) or self.as_told.within(said) and self._as_told(parts)
        if self.retracted(parts, resume=True, words=self.subjects):
            return False
        if any(c.asked for c in parts):
            parts = _alternatives(parts)  # '实操截图发群里吗？还是私发老师就行'
        if len(parts) > 2:  # '实操作业：1）开通了基金账户 2）…': list numbers say nothing
            parts = [c for c in parts if not (c.text.isdigit() and len(c.text) <= 2)] or parts
        parts = self._answering(self._undone(parts, self.subjects), quoted, self.subjects)
        pictures = any(PIC in c.text for c in parts) and any(c.text.strip(PIC) == "" for c in parts)
        if pictures and all(c.text.strip(PIC + DONE) == "" for c in parts):
            return True  # '[图片]', '[图片][图片] ✅': the work shown, nothing said
        if PIC in said and self._pictured(parts):
            return True  # '已买入，截图如下[图片]', '买好了[图片]': a deed said, the picture shows it
        parts = _crossed(parts) if len(parts) < 2 else self.own(_crossed(parts))
        parts = self._group_scope(parts, said)
        if self.all_done.within(said) and self._all_done(parts):
            return True  # '打卡 实操 毕业 一条龙': the course's words listed, all said done
        if len(parts) > 1 and any(c.text.endswith(_TOPIC) for c in parts[:-1]):
            parts = [self._topic(c) if i + 1 < len(parts) else c for i, c in enumerate(parts)]
        if any(self._sent(c) for c in parts):
            return True  # '截图发上来了', '截图已经发给助教了'
        for i, clause in enumerate(parts):
            subjects = self.subjects.spans(clause.text)
            compounds = self.practice_compounds.spans(clause.text) if subjects else []
            if not subjects or _inside(compounds, *subjects[0]):
                continue
            if _PRACTISED.match(clause.text) and not self.scope.asks(clause):
                return True  # '已打卡，已实操', '今天实操了': 实操 as the verb, done
            clause, subjects, compounds = self._head(clause, subjects, compounds)
            if self._shown(clause.text, subjects[0], pictures) and not self.scope.asks(clause):
                return True  # '[图片] 实操截图', '今天的作业截图来啦', '[图片] 作业'
            if i and self._done_before(parts[i - 1], clause, subjects[0]):
                return True  # 'Done with 作业', '完成 今日实操'
            if self.scope.asks(clause) and self._own_answer(parts[i + 1:i + 3]):
                return True  # '你作业交了吗？我的交了': asked another, then said of their own
            done = [(s, e) for s, e in self.done.spans(clause.text)[:HITS] if not _inside(compounds, s, e)
                    and not clause.text.startswith(self.doers, e)]  # '实操做完的同学好厉害': others who did it
            if done and any(self._condition(clause.text, e) for _, e in done):  # '实操完成就可以领红包': a rule, and
                cut = next(s for s, e in done if self._condition(clause.text, e))  # what it says to do then
                done = [(s, e) for s, e in done if s < cut]
            if done:
                if any(self.scope.affirms(clause, s, e) for s, e in done):
                    return True
                continue
            if self.scope.asks(clause) or not self.scope.affirms(clause, len(clause.text), len(clause.text)):
                if not clause.asked and self._conceded(parts[i + 1:i + 2]):
                    return True  # '实操太难了，但最后还是做完了': hard, then done after all
                continue  # '实操还没做，今晚熬夜也得做完': the subject said not done
            if self._acts(clause, subjects[0], parts[i + 1:i + 4]):
                return True  # '实操作业：开了个账户，买了100块货基': the subject heads what was done
            if self._acted_next(parts[i + 1:i + 2]):
                return True  # '今天的实操有点意思，我定投了一个沪深300': the work remarked on, then the deed
            # '实操 ✅', '实操：已开户并买入100元', '实操：定投设置完成': the subject heads, a later clause says done
            for later in parts[i + 1:i + 4]:
                tail = strip_particles(later.text, PARTICLES)[-12:]  # '定投计划设置好了'
                leads = (later.text.startswith("已") and _ALREADY_SO.match(later.text) is None) or any(s == 0 for s, _ in self.done.spans(later.text[:12])) or any(
                    e == len(tail) for _, e in self.done.spans(tail))
                at = self.done.spans(later.text)[:1]  # '今晚熬夜也得做完': what comes before the done word counts
                if later.text == DONE or (leads and self.scope.affirms(later, *(at[0] if at else (0, 0)))):
                    return True
            if self._conceded(parts[i + 1:i + 2]):
                return True  # '作业有点复杂 不过总算交了'
        if self.as_told.within(said) and self._as_told(parts):
            return True  # '按老师说的买了一份指数基金'
        return self.tasks.within(said) and self._task_done(parts)  # '实操的视频看了，定投也设好了'

    def _first_buy(self, parts: list[Clause]) -> bool:
        """'搞定！第一次自己买基金，有点激动': a clause that only says done, then the first purchase of a fund told."""
        for before, clause in zip(parts, parts[1:]):
            bare = strip_particles(before.text, PARTICLES)
            if (bare == DONE or bare in self.done) and not before.asked and not self.scope.asks(clause) \
                    and _FIRST_BUY.match(clause.text):
                return True
        return False

    def _group_scope(self, parts: list[Clause], said: str) -> list[Clause]:
        """The clauses of a group message that speak of the sender's own deed: without another member's post pointed at
        ('楼上的打卡格式不对哦'; not '同楼上，打卡'), another's claim asked about ('助教说实操完成可以领红包，是真的吗'),
        and with another's help blanked ('在孙女帮助下还是做完了': the deed is the sender's)."""
        if self.others_posts.within(said):
            parts = [Clause(self.same_as.sub(c.text, "_"), c.asked, c.spaced, c.cut) if self.same_as.within(c.text) else c
                     for c in parts if self.same_as.within(c.text) or not self.others_posts.within(c.text)]
        if "说" in said and self.truth_asks.within(said):
            parts = [c for c in parts if not c.text.lstrip("我").startswith(self.reporters) and not self.truth_asks.within(c.text)]
        if self._helped is not None and ("帮" in said or "教" in said or "指导" in said or "协助" in said):
            parts = [Clause(self._helped.sub(lambda m: "_" * len(m.group()), c.text), c.asked, c.spaced, c.cut) for c in parts]
        return parts

    def _condition(self, text: str, end: int) -> bool:
        """'实操完成就可以领红包', '作业做完的话记得发截图', '实操完成后截图发群里': done said as a condition or a rule (not
        '实操完成后我就睡了', '实操搞定可以睡觉了': what follows said done too)."""
        if text.startswith("的话", end):
            return True
        return text.startswith(self.conditions_all, end) and not text.endswith(("了", "啦", "咯", "喽", DONE))

    def _conceded(self, later: list[Clause]) -> bool:
        """'实操太难了，但最后还是做完了', '作业好难 不过总算交了': after the work said hard (or not done at first), the next
        clause says it done after all, in the past."""
        if not later or later[0].asked:
            return False
        text = later[0].text
        lead = next((w for w in (*self.scope.contrast, *self.conceded_leads) if text.startswith(w)), None)
        rest = text[len(lead):] if lead else ""
        if not rest.endswith(("了", "啦", "咯", "喽", DONE)):
            return False
        tail = strip_particles(rest, PARTICLES + (DONE,))
        done = [(s, e) for s, e in self.done.spans(rest)[:HITS] if e in (len(tail), len(rest))]
        return bool(done) and self.scope.affirms(Clause(rest), *done[-1])

    def _all_done(self, parts: list[Clause]) -> bool:
        """'打卡 实操 毕业 一条龙', '打卡、作业 全搞定✅', '打卡实操一气呵成': the course's words listed (the work among them),
        then all said done at once - not '打卡实操一条龙服务', '打卡 实操 一条龙？'."""
        listed = ""
        for c in parts[:HITS]:
            found = self.all_done.spans(c.text)[:1]
            if not found:
                if c.text.strip(DONE) and c.text not in self.listed:
                    listed = ""  # a clause of other words: the list starts again
                    continue
                listed += c.text
                continue
            s, e = found[0]
            head, rest = c.text[:s], strip_particles(c.text[e:], PARTICLES + (DONE, "搞定", "完成", "拿下", "结束"))
            head_words = self._listed_words(head)
            if c.asked or rest or head_words is None or not self.subjects.within(listed + head):
                return False
            return self.scope.affirms(Clause(c.text[s:]), 0, e - s)
        return False

    def _course_listed(self, parts: list[Clause], said: str) -> bool:
        """'签到打卡实操毕业，这么多环节记不住啊', '签到、打卡、毕业，这些词我总搞混': the course's words listed (three or
        more, in a clause or a run of them) as a topic, then something said of them - not done ('打卡 实操 毕业 一条龙',
        '打卡，实操，毕业，全做完了')."""
        if len(parts) < 2 or DONE in said or self.all_done.within(said) or self.done.within(said):
            return False
        run: set[str] = set()
        best = 0
        for c in parts[:HITS]:
            if c.text and self._listed_words(c.text) is not None:
                run.update(w for w in _RITUALS if w in c.text)  # distinct: not '打卡 打卡 打卡 重要的事说三遍'
                best = max(best, len(run))
            else:
                run = set()
        return best >= 3

    def _listed_words(self, text: str) -> str | None:
        """The text if it is only the course's words (joined or not), else None."""
        rest = text
        for w in sorted(self.listed, key=len, reverse=True):
            rest = rest.replace(w, "")
        return text if rest.strip("、,+和跟与 今天今日") == "" else None

    def _task_done(self, parts: list[Clause]) -> bool:
        """The course's task itself said done, the work unnamed: '开了户，买了10块的货基', '定投设好了', '开户成功！',
        '开户、风险测评、买货币基金都搞了'; or a deed said alone beside the task ('开户那一步卡了半天，最后还是弄好了',
        '买了！10块钱的货币基金'). Not a product bought ('我买了华夏上证50ETF'), asked, failed, another's, nor long
        before the course ('去年我就买过货币基金了')."""
        parts = self.own(parts)
        if any(self.task_before.within(c.text) for c in parts):
            return False
        named = 0
        for i, clause in enumerate(parts):
            if not self.tasks.within(clause.text):
                continue
            named += 1
            if named > HITS:  # a long message: its first few namings are read
                return False
            near = [o for o in parts[max(0, i - 1):i] + parts[i + 1:i + 3] if len(o.text) <= 12 and self.task_done.within(o.text)]
            if not near and not self.task_done.within(clause.text) or self.scope.asks(clause) or self.rejected.within(clause.text):
                continue  # no deed said by it: read at once (or the order turned down: '买入申请被驳回了')
            if self._deed(clause):
                return True
            # the task named, the deed said alone in a clause next to it
            if any(not self.tasks.within(other.text) and self._bare_deed(other) for other in near):
                return True
        return False

    def _as_told(self, parts: list[Clause]) -> bool:
        """'按老师说的买了一份指数基金', '照着步骤，开通了': a deed done the way the course said (what was bought that way is
        the task) - not '按老师说的我明天去买', '按老师说的买了吗'."""
        for i, clause in enumerate(self.own(parts)[:HITS]):
            for _, e in self.as_told.spans(clause.text)[:1]:
                said = clause if clause.text[e:].strip("的，, ") else (parts[i + 1] if i + 1 < len(parts) else None)
                if said is None or said.asked:
                    continue
                at = e if said is clause else 0
                deeds = [(s, d) for s, d in (*self.task_done.spans(said.text[at:at + 12]), *self.acts.spans(said.text[at:at + 12]))]
                if any(self.scope.affirms(said, at + s, at + d) for s, d in deeds[:HITS]):
                    return True
                if said is clause and not deeds and not self.manner.removed(clause.text[e:]).strip("，, ") \
                        and i + 1 < len(parts) and not parts[i + 1].asked:
                    nxt = parts[i + 1]  # '跟着老师一步一步操作 终于买上了沪深300': the way said, the deed next
                    deeds = [*self.task_done.spans(nxt.text[:12]), *self.acts.spans(nxt.text[:12])]
                    if any(self.scope.affirms(nxt, s, d) for s, d in deeds[:HITS]):
                        return True
        return False

    def _pictured(self, parts: list[Clause]) -> bool:
        """'已买入，截图如下[图片]', '买好了[图片]', '截图[图片]': a picture sent with only a deed said beside it, or the
        picture only named - not '签到了[图片]', '[图片] 这是我在西湖拍的', '买了吗[图片]'."""
        said = [Clause(c.text.replace(PIC, "").strip(), c.asked, c.spaced) for c in parts]
        said = [c for c in said if c.text]
        if not said or len(said) > 3 or any(c.asked for c in said):
            return False
        for c in said:
            text = c.text.removeprefix("已经").removeprefix("已")
            shown = strip_particles(text, tuple(self.shown_tails))
            done = self.done.spans(text)[:1]
            if shown in self.shown or done and done[0] == (0, len(text)) or self._bare_deed(Clause(text)):
                continue
            return False
        return True

    def _deed(self, clause: Clause) -> bool:
        """A deed done right by the task it names ('定投设好了', '把定投计划设好了', '买了十元货币基金'), not one further on
        ('开完会…今天讲的是基金定投')."""
        tasks = self.tasks.spans(clause.text)[:HITS]
        return any(any(ts - 6 <= e and s <= te + 6 for ts, te in tasks) and self.scope.affirms(clause, s, e)
                   for s, e in self.task_done.spans(clause.text)[:HITS])

    def _bare_deed(self, clause: Clause) -> bool:
        """'最后还是弄好了', '买了！', '也搞定了': only a deed, with its leads and particles."""
        if clause.asked or not self.scope.affirms(clause, 0, 0):
            return False
        for text in (clause.text.strip(DONE), strip_particles(clause.text, PARTICLES + (DONE,))):
            text = _DEED_LEADS.sub("", text)
            done = self.task_done.spans(text)[:1]
            if done and done[0] == (0, len(text)):
                return True
        return False

    def _topic(self, clause: Clause) -> Clause:
        """'实操嘛，早上就弄完了', '作业呢，昨天就交了': the work named as the topic, with a particle and no question mark
        (what follows says what became of it) - not '实操呢？'."""
        text = clause.text
        if clause.asked or not text.endswith(_TOPIC):
            return clause
        named = self.subjects.spans(text)[:1]
        if not named or named[0][1] != len(text) - 1 or (named[0][0] and text[:named[0][0]] not in self.shown_heads):
            return clause
        return Clause(text[:-1], False, clause.spaced)

    def _sent(self, clause: Clause) -> bool:
        """'截图发上来了', '截图已经发给助教了': a screenshot said to be sent (not '截图保存好了', '截图怎么发')."""
        shot = self.sent_subjects.spans(clause.text)[:1]
        if not shot or self.subjects.within(clause.text):
            return False  # with the work named, the work's own words decide ('实操截图发不上来')
        if clause.text.endswith(self.others_shots, 0, shot[0][0]):
            return False  # '老师的截图在群里': someone else's
        sent = [(s, e) for s, e in self.sent.spans(clause.text[shot[0][1]:])[:HITS]]
        return any(self.scope.affirms(clause, shot[0][1] + s, shot[0][1] + e) for s, e in sent)

    def _head(self, clause: Clause, subjects: list, compounds: list) -> tuple[Clause, list, list]:
        """'没做完的实操今晚做完了', '前天没交的作业，今天补上了': a not-done said of the work, before its 的, names which
        work it is (what follows says what became of it); the clause is read from the work on. Not another's work
        ('孩子没做完的作业')."""
        start = subjects[0][0]
        modifier = clause.text[:start]
        if not modifier.endswith("的") or not self.scope.negation.within(modifier) or self.scope.third_party.within(modifier):
            return clause, subjects, compounds
        text = clause.text[start:]
        return Clause(text, clause.asked, clause.spaced), self.subjects.spans(text), self.practice_compounds.spans(text)

    def _done_before(self, before: Clause, clause: Clause, subject: tuple[int, int]) -> bool:
        """'Done with 作业', '完成 今日实操', '搞完了 实操作业': done said first, the work named after a space; or done
        said alone as an exclamation, the work named next with what was done ('搞定！今天的实操 10块钱货基已买入')."""
        if before.asked or before.text == DONE or self.scope.asks(clause) or NOT in clause.text:
            return False
        text = strip_particles(before.text, PARTICLES) or before.text
        if not before.spaced:  # the whole clause is the done word, the next one begins with the work
            alone = [(s, e) for s, e in self.done.spans(text)[:1] if s == 0 and e == len(text)]
            head = clause.text[:subject[0]]
            # ... not '好了，今天的实操是…' (an OK that opens an announcement)
            return bool(alone) and not text.startswith(("好", "ok", "get", "over")) and clause.text[subject[1]:] == "" \
                and (head == "" or head in self.shown_heads) and self.scope.affirms(clause, len(clause.text), len(clause.text))
        if len(clause.text) > subject[1] + 4:
            return False
        for word in (" the", " my", " with"):  # 'I finished the 实操', 'done with my 作业'
            text = text.removesuffix(word)
        text = text.removesuffix("with").rstrip()
        done = [(s, e) for s, e in self.done.spans(text)[:HITS] if e == len(text)]
        return bool(done) and self.scope.affirms(Clause(text), *done[-1])

    def _acts(self, clause: Clause, subject: tuple[int, int], later: list[Clause]) -> bool:
        """The clause only names the work ('实操作业：'), and the next says what was done, in the past ('开了个账户')."""
        if not later or clause.text[:subject[0]] not in self.shown_heads and subject[0] or clause.text[subject[1]:] != "":
            return False
        first = later[0]
        acts = self.acts.spans(first.text)[:1]
        return bool(acts) and acts[0][0] <= 2 and not self.scope.asks(first) and self.scope.affirms(first, *acts[0])

    def _acted_next(self, later: list[Clause]) -> bool:
        """After a clause about the work (not asked, not denied), the next one opens with the sender's deed, in the past
        ('我定投了一个沪深300', '也开了个户') - not '我去年就买了', '买了吗'."""
        if not later or later[0].asked or self.task_before.within(later[0].text):
            return False
        text = _DEED_LEADS.sub("", later[0].text)
        lead = len(later[0].text) - len(text)
        acts = self.acts.spans(text[:4])[:1]
        return bool(acts) and acts[0][0] == 0 and self.scope.affirms(later[0], lead, lead + acts[0][1])

    def _own_answer(self, later: list[Clause]) -> bool:
        """'我的交了', '我的已经搞定了', '我也做完了' right after a question about the work - not '我的还没做'."""
        for c in later:
            head = next((w for w in self.own_heads if c.text.startswith(w)), None)
            if head is None:
                continue
            done = self.done.spans(c.text)[:1]
            return bool(done) and done[0][0] <= len(head) + 3 and self.scope.affirms(c, *done[0])
        return False

    def _shown(self, text: str, subject: tuple[int, int], pictured: bool = False) -> bool:
        """The clause only shows the work: '实操截图', '今天的作业截图来啦', '这是今天的实操' with a picture sent - not
        '求实操截图', '实操截图看不清'."""
        start, end = subject
        shown = next((w for w in self.shown if text.startswith(w, end)), "" if pictured else None)
        if shown is None or (start and text[:start] not in self.shown_heads):
            return False
        rest = strip_particles(text[end + len(shown):], tuple(self.shown_tails))
        if rest and shown:  # '实操截图已私信', '作业截图都发给助教了': the shown work said sent
            rest = rest.removeprefix("已经").removeprefix("已").removeprefix("都").removeprefix("也")
            sent = next((w for w in (*self.sent, "私信", "私聊") if rest.startswith(w)), None)
            rest = "" if sent is not None and strip_particles(rest[len(sent):], PARTICLES + ("您", "你", "老师", "助教", "群里")) == "" else rest
        return rest == ""

    def graduation(self, parts: list[Clause]) -> bool:
        """'我毕业啦' / '我毕业了！' / '毕业啦毕业啦🎉' / a lone 🎓; not '什么时候毕业', '北京大学毕业的'."""
        said = "".join(c.text for c in parts)
        if CAP not in said and "毕业" not in said and not self.graduation_words.within(said) \
                and not self.graduation_wishes.within(said):
            return False  # neither 毕业 nor a mortarboard: most chat, read at once
        if parts and all(c.text.replace(CAP, "").replace(DONE, "") == "" for c in parts) and any(CAP in c.text for c in parts):
            return True  # '🎓', '🎉🎓✌️'
        if self._course_listed(parts, said):
            return False  # '签到、打卡、毕业，这些词我总搞混': the course's words named as a topic
        texts = [Clause(self.graduation_days.sub(c.text.replace(CAP, ""), "毕业了"),  # '今天也是毕业的一天'
                        c.asked or c.text.endswith(("吗我", "么我", "嘛我")))  # '毕业了吗我': asked, the subject after
                 for c in (parts if len(parts) < 2 else self.own(parts))]
        if not any("毕业" in c.text or self.graduation_words.within(c.text) or self.graduation_wishes.within(c.text)
                   for c in texts) or self.retracted(parts, resume=True):
            return False
        texts = [Clause("", c.asked) if _ONCE_GRADUATED.search(c.text) else c for c in texts]
        for i, c in enumerate(texts):  # '我家孩子今年小升初，也算毕业了': a clause without 我 speaks of the one before
            if i and "我" not in c.text and self.graduation_others.within(self.scope.clean(texts[i - 1].text)):
                texts[i] = Clause("", c.asked)
        if any(self._said_alone(c) for c in texts):
            return True  # '我毕业', '今天我也终于毕业', '完美毕业✌️', '毕业罗'
        return self._self_wish(texts) or self._keyword(texts, self.graduation_words, self.graduation_compounds)

    def _said_alone(self, clause: Clause) -> bool:
        """The clause is only 毕业 with leads before it and particles after it ('终于毕业', '我也毕业喔')."""
        if clause.asked or "毕业" not in clause.text:
            return False
        text = strip_particles(clause.text, self.graduation_particles)
        if text.endswith("毕业的") and self.graduation_firsts.within(text):
            text = text[:-1]  # '我们家我第一个毕业的': the first to graduate
        if "从" in text:
            text = _FROM_CLASS.sub("", text, count=1)
        if "营" in text or "班" in text:
            text = _CLASS_BEFORE.sub("", text, count=1)
        if "天" in text:
            text = _DAYS_BEFORE.sub("", text, count=1)
        return text.endswith("毕业") and self.graduation_leads.removed(text[:-2]) == ""

    def _self_wish(self, texts: list[Clause]) -> bool:
        """'毕业快乐我自己', '祝自己毕业快乐', '毕业快乐，我自己' - not '祝大家毕业快乐', '提前祝自己毕业快乐'."""
        for i, c in enumerate(texts):
            nxt = texts[i + 1].text if i + 1 < len(texts) else ""
            nxt = nxt if len(nxt) <= 4 or len(nxt := self._unlaughed(nxt)) <= 8 and "我" in nxt else ""  # '说的是我自己哈哈'
            said = Clause(c.text + nxt, c.asked)
            if self.graduation_wishes.within(c.text) and self.graduation_self.within(said.text) and self.scope.affirms(said, 0, 0):
                return True
        return False

    def _unlaughed(self, text: str) -> str:
        return self.laughter.removed(text).rstrip("哈")
