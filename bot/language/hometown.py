"""家乡签到 answers: where a member says they are from, inside a greeting or a longer sentence."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.language.clauses import Clause
from bot.language.cues import Cues
from bot.language.gazetteer import nations, places, short_form
from bot.language.places import Gazetteer, Mention
from bot.language.scope import Scope
from bot.language.shared import strip_leading

MENTIONS = 12  # the first places a message names are read (an answer comes early; linear time)
HOME, STRONG, PLAIN = 3, 2, 1  # after 老家/来自 > after 坐标 (or a cue alone before) > a place standing alone
_TOWN = re.compile(r"^[\u4e00-\u9fff]{2}[的人]$")  # '(东莞)虎门的', '(佛山)顺德人': a town named after its city
_AREA = re.compile(r"^[\u4e00-\u9fff]{0,6}(?:区|县|镇|乡|村|街道|古城|古镇|老城|新城|农村|乡下|山区|岛|草原|牧区)[的人]?$")
# ... and such a part named before the fillers of an answer ('深圳龙华区报到': a district newer than the table)
_AREA_HEAD = re.compile(r"^[\u4e00-\u9fff]{1,4}?(?:区|县|镇|乡|村|街道|新城|山区)")


# '燕郊的，算河北廊坊三河', '老家燕郊，属于河北廊坊': a town the gazetteer does not list, said alone ...
_TOWN_ALONE = re.compile(r"^[\u4e00-\u9fff]{2,4}(?:镇|乡|村)?(?:的|人)$")
# ... then placed in its county or prefecture by the next clause
_PLACED = re.compile(r"^(?:这|那|它|那边|那里|这里)?(?:算是|算|属于|属|归|隶属于|隶属|归属于|归属|划归|划到|归到)(?:是|在)?")
_TRADE = re.compile(r"[\u4e00-\u9fff]{1,6}?的")  # what they trade in, then 的: '(做)小商品的', '(开)出租车的'
_WED_TO = re.compile(r"(?:远嫁|嫁)(?:到|来|去|过来)?[\u4e00-\u9fff]{2,8}?的$")  # '嫁到上海的(安徽人)'
_ADDRESS = re.compile(r"[省市]")  # an official suffix before the district's
# a quarter's name: not a comment on the place ('好冷', '下雨了', '今天堵车')
_QUARTER = re.compile(r"^(?![好很太真超挺特也都又还不没今明昨天在有])[\u4e00-\u9fff]+(?<![了吗啊呢吧呀的])$")


@dataclass(frozen=True, slots=True)
class Hometown:
    """A hometown answer: full official names (city None where only a province was given, and for Hong Kong and
    Macau, which have no prefecture level)."""

    province: str
    city: str | None
    correction: bool  # the member said they are correcting an earlier answer
    text: str  # the words of the answer as written (normalised)


class HometownReader:
    """Finds the member's own hometown among the places a message names."""

    def __init__(self, cues: Cues, scope: Scope) -> None:
        self.scope = scope
        self.gazetteer = Gazetteer(cues.place_aliases, cues.words("hometown", "not_places"))
        self.cues = cues.words("hometown", "cues")
        self.here = cues.words("hometown", "here_cues")
        self.self_cues = cues.words("hometown", "self")
        self.then = cues.words("hometown", "then")
        self.weak = cues.words("hometown", "weak_cues")
        self.tail = cues.words("hometown", "tail") + ("_",)  # '_': a harmless phrase blanked ('的宝妈一枚')
        self.elsewhere = cues.words("hometown", "elsewhere")
        self.not_after = cues.words("hometown", "not_after")
        self.corrections = cues.words("hometown", "corrections")
        self.mistyped = cues.words("hometown", "mistyped")
        self.others = cues.words("hometown", "others")
        self.people = cues.words("hometown", "people")
        self.epithets = cues.words("hometown", "epithets")
        self.names = cues.words("hometown", "names")
        self.titles = tuple(cues.words("hometown", "titles"))  # '哥是…', '本宫乃…': the sender, by a title
        self.greetings = cues.words("hometown", "greetings")
        self.works = cues.words("hometown", "works")
        self.trades = tuple(cues.words("hometown", "trades"))
        self.moved_from = tuple(cues.words("hometown", "moved_from"))
        self.persons = tuple(p for p in self.people if len(p) >= 2)  # who a member is, said after 的 ('的两口子')
        self.addressed = cues.words("hometown", "addressed")
        self.fellows = cues.words("hometown", "fellows")
        self.withheld = cues.words("hometown", "withheld")
        self.nations = tuple(nations())  # longest first
        self.grew_up = tuple(cues.words("hometown", "grew_up"))
        self.raised_in = cues.words("hometown", "raised_in")
        near = "|".join(map(re.escape, cues.words("hometown", "near"))) or r"(?!x)x"
        self._near = re.compile(f"^[\u4e00-\u9fff]{{2,6}}?(?:{near})")
        self.retract = frozenset(cues.words("hometown", "retract"))
        self.retract_particles = cues.words("hometown", "retract_particles")
        self.retract_leads = cues.words("hometown", "retract_leads")
        self.precisely = cues.words("hometown", "precisely")
        self.arrivals = cues.words("hometown", "arrivals")
        kin = "|".join(map(re.escape, cues.words("hometown", "proxied"))) or r"(?!x)x"
        self._proxy_hint = cues.words("hometown", "proxy_verbs")
        self._proxy = re.compile(f"(?:给|帮|替|代)我?(?:{kin})(?:{'|'.join(map(re.escape, self._proxy_hint))})")
        apologies = "|".join(map(re.escape, cues.words("hometown", "apologies"))) or r"(?!x)x"
        self._apology = re.compile(f"^(?:{apologies})[啊哈呀啦]?[,， ]*(?:应该|其实)?是")
        self.town_leads = tuple(self.cues) + tuple(self.weak)  # '老家燕郊的', '我是燕郊的': a town alone after a cue
        self.leads = self.weak + self.tail + self.corrections  # '纠正一下我是陕西汉中的'
        self.cue_ends = tuple(self.cues) + tuple(self.here) + tuple(self.weak)
        # '湖南衡杨的': a prefecture after its province, one character mistyped (a homophone slip)
        ethnic = nations()
        self.prefectures: dict[str, list[tuple[str, str]]] = {}
        for p in places().values():
            short = short_form(p.name, ethnic)
            if p.level == 2 and len(short) == 2:
                self.prefectures.setdefault(p.province, []).append((short, p.name))
        self.not_slips = tuple(self.grew_up) + tuple(self.elsewhere) + tuple(self.then) + tuple(self.tail) + tuple(
            self.works) + tuple(self.not_after) + self.persons + tuple(cues.words("hometown", "regions"))

    def read(self, text: str, parts: list[Clause]) -> Hometown | None:
        """The hometown the message gives, or None (a place in ordinary chat is not an answer)."""
        best: tuple[int, Mention, str] | None = None
        taken_back: tuple[int, Mention, str] | None = None
        cue_before = False  # the previous clause was a cue with no place ('家乡签到：' / '坐标')
        theirs = False  # an earlier clause gave another's home ('我男朋友老家是东北的，哈尔滨')
        # '给我闺女报个到，她叫小雨，家在湖南常德': the message answers for someone else, until the sender speaks of 我
        proxy = next((i for i, c in enumerate(parts) if self._proxy.search(c.text)), None) if self._proxy_hint.within(text) else None
        behalf = False
        found, read = self._places(parts), 0
        town_before = False  # the previous clause named, alone, a town not in the gazetteer ('燕郊的')
        for i, (clause, mentions) in enumerate(found):
            mentions, read = mentions[:max(0, MENTIONS - read)], read + len(mentions)
            # '杭州湾新区 房价多少': only a space before a question, one sentence that asks
            theirs = theirs and "我" not in clause.text  # '…，我是江苏盐城的' speaks for themselves
            if proxy is not None and i >= proxy:
                behalf = i == proxy and not mentions or (behalf or i == proxy) and "我" not in clause.text
            if best is not None and mentions and self.corrections.within(clause.text[:mentions[0].start]):
                taken_back, best = best, None  # '浙江温州 → 更正为浙江台州': corrected in the clause that names the place
            if best is not None and not mentions and self._retracts(clause.text):
                # '我是江苏的，不对，安徽的', '湖南长沙（打错了，是株洲）': the place said before is taken back, if
                # another follows ('…其实是贵州安顺的，说错了' ends with it)
                taken_back, best = best, None
            asked = bool(mentions) and clause.spaced and i + 1 < len(found) and self.scope.asks(found[i + 1][0]) \
                and not self._answered(clause.text, mentions[-1], found[i + 1][0].text)
            if best is not None and mentions and strip_leading(clause.text, self.retract_leads).startswith(self.precisely):
                taken_back, best = best, None  # '我是湖南长沙……其实准确说是湘潭的': said more exactly, not corrected
            placed = _PLACED.match(clause.text) if town_before and mentions else None
            if placed and mentions[0].start >= placed.end() and not clause.asked:
                cut = placed.end()  # '算河北廊坊三河' after '燕郊的': the county or prefecture it belongs to is the answer
                clause = Clause(clause.text[cut:], clause.asked, clause.spaced)
                mentions = [replace(m, start=m.start - cut, end=m.end - cut) for m in mentions]
                cue_before = True
            town_before = not mentions and len(clause.text) <= 12 and clause.text.endswith(("的", "人")) and _TOWN_ALONE.match(
                strip_leading(clause.text, self.town_leads)) is not None
            for j, m in enumerate(mentions):
                again = j and self._resaid(clause.text, mentions[j - 1], m)
                if again:  # '我是河南的啊不河北的', '不是湖北荆州是湖北荆门': taken back without a stop
                    taken_back, best = best or taken_back, None
                    m, said = replace(m, start=0, end=m.end - m.start), Clause(clause.text[m.start:], clause.asked)
                    rank = self._rank(said, m, cue_before) or PLAIN * (strip_leading(said.text[m.end:], self.tail) == "")
                    if rank:
                        best = (rank, m, said.text[:m.end])
                    continue
                rank = self._rank(clause, m, cue_before)
                rank = 0 if (asked or theirs) and rank < HOME or behalf else rank
                if rank and (best is None or rank > best[0] or self._refines(m, best[1], rank == best[0])):
                    best = (max(rank, best[0] if best else 0), m, clause.text[m.start:m.end])
            # ... not another's ('我男朋友老家是东北的，哈尔滨')
            cue_before = not mentions and clause.text.endswith(self.cue_ends) and not self.others.within(clause.text)
            if self.cues.within(clause.text):  # '看到大家都在报家乡我也来一个': the speaker after the cue is the sender
                (start, end), = self.cues.spans(clause.text)[:1] or [(0, 0)]
                theirs = self.others.within(clause.text[:start]) and "我" not in clause.text[end:]
        best = best or taken_back
        if best is None:
            return None
        _, m, words = best
        # ... or the message opens by taking back what was said before ('啊不对 是辽宁丹东')
        again = bool(found) and not found[0][1] and len(found) > 1 and self._retracts(found[0][0].text)
        corrected = self.corrections.within(text) or self.mistyped.within(text) or self._apology.match(text) is not None
        city = self._slipped(m, words, text) if m.level == 1 and m.city is None else m.city
        return Hometown(m.province, city, corrected or again, words)

    def _slipped(self, m: Mention, words: str, text: str) -> str | None:
        """'湖南衡杨的', '江苏无希人': right after the province, two characters that are one of its prefectures with
        one character mistyped - the only such prefecture, the answer ending there, and no word of another sense
        ('湖南长大的', '江苏苏南的', '广东潮汕的' stay the province)."""
        at = text.find(words)
        after = text[at + len(words):] if at >= 0 else ""
        slip = after[:2]
        if len(slip) < 2 or not all("\u4e00" <= c <= "\u9fff" for c in slip) or slip[1] in "东南西北中部边" \
                or strip_leading(after[2:], self.tail) != "" or after.startswith(self.not_slips):
            return None
        near = [name for short, name in self.prefectures.get(m.province, ())
                if (short[0] == slip[0]) != (short[1] == slip[1])]
        return near[0] if len(near) == 1 else None

    def _answered(self, text: str, m: Mention, nxt: str) -> bool:
        """'武汉伢 过早了冇', '广州人报到 食咗饭未呀各位': who they are (…人, a person), then a question of their own;
        '贵州凯里的 有老乡吗', '黑龙江的 具体哪就不说了': …的, then asking for those from there too, or saying no more -
        not '上海的 有人吗', '南京的 今天下雪了吗' (those from there are asked), '杭州湾新区 房价多少'."""
        after = text[m.end:]
        if after == "" or self.addressed.within(after) or nxt.startswith(self.not_after) or self.elsewhere.within(nxt):
            return False
        if after.lstrip("的") in self.people or "人" in after and strip_leading(after, self.tail) == "":
            return True
        if self.self_cues.within(text[:m.start]) and strip_leading(after, self.tail) == "":
            return True  # '我是安徽的 老师您是哪里的': said of themselves
        return strip_leading(after, self.tail) == "" and (self.fellows.within(nxt) or self.withheld.within(nxt))

    def _resaid(self, text: str, before: Mention, m: Mention) -> bool:
        """Is the place at m said instead of the one before it in the same clause, with no stop between: '…的啊不河北的',
        '…绵阳的不对是德阳的', '不是湖北荆州是湖北荆门'?"""
        gap = text[before.end:m.start].lstrip("的人 ")
        for end in ("应该是", "其实是", "而是", "是"):
            if gap.endswith(end):
                gap = gap[:-len(end)]
                break
        if gap == "" and text[:before.start].endswith("不是") and text[before.end:m.start].endswith("是"):
            return True  # '不是湖北荆州是湖北荆门'
        if gap in self.retract and gap != "不":  # '啊不', '哦不', '不对'
            return True
        gap = strip_leading(gap, self.retract_leads)
        return gap != "" and gap != "不" and (gap in self.retract or gap in self.corrections)

    def _retracts(self, text: str) -> bool:
        text = strip_leading(text, self.retract_leads)  # '哦口误', 'sorry打错了'
        while text and text[-1:] in self.retract_particles:
            text = text[:-1]
        return text in self.retract or text in self.corrections

    @staticmethod
    def _refines(m: Mention, than: Mention, as_sure: bool) -> bool:
        """'安徽人，具体是安庆的', '来自天府之国四川，成都的': a later place in the same province, named more precisely
        (said as surely, or the earlier one named only the province)."""
        if m.province != than.province or m.level <= than.level:
            return False
        return (as_sure or than.level == 1) and (than.city is None or m.city == than.city)

    def _places(self, parts: list[Clause]) -> list[tuple[Clause, list[Mention]]]:
        """Each clause with the places it names; a place split by a space is read as one ('湖南 益阳')."""
        out: list[tuple[Clause, list[Mention]]] = []
        prev, prev_found = None, []
        for clause in parts:
            found = self.gazetteer.find(clause.text)
            # ... not a place said again ('不是湖北是湖南 湖南岳阳': the second clause is the answer on its own)
            if prev and found and found[0].start == 0 and prev.spaced and prev_found and prev_found[-1].end == len(prev.text) \
                    and not clause.text.startswith(prev.text[prev_found[-1].start:]):
                joined = Clause(prev.text + clause.text, clause.asked, clause.spaced)
                out.append((joined, self.gazetteer.find(joined.text)))  # read after the parts, which may be right
            else:
                out.append((clause, found))
            prev, prev_found = clause, found
        return out

    def _rank(self, clause: Clause, m: Mention, cue_before: bool) -> int:
        text = self.scope.clean(clause.text)
        before, after = text[:m.start], text[m.end:].split("不是")[0].lstrip(" ")  # '是云南曲靖不是云南昭通', 'shenzhen here'
        if after.startswith(self.not_after) or self.scope.asks(clause) or before.endswith(("不是", "不在")):
            return 0  # '北京大学', '上海今天下雨了吗'
        if before.endswith(self.mistyped):
            return 0  # '手滑打成了宜宾': the slip, not the answer
        if "嫁" in before and _WED_TO.search(before):  # '我是嫁到上海的安徽人': where they married into comes first
            before = before[:_WED_TO.search(before).start()]
        moved = next((w for w in self.moved_from if after.startswith(w)), None)
        wed = bool(moved) and moved.startswith(("嫁", "远嫁"))  # '…嫁到广东的媳妇': where to is said after
        if moved and (wed or strip_leading(after[len(moved):], self.tail + self.people) == "") and strip_leading(before.removesuffix("从"), self.leads) == "" and (
                before.endswith("从") or moved.startswith(("嫁", "远嫁"))):
            return HOME  # '我从湖南来', '从四川嫁到浙江的', '湖南嫁过来的媳妇': the place they left
        for cues, rank in ((self.cues, HOME), (self.here, STRONG)):
            cue = max((before.rfind(c) + len(c) for c in cues if c in before), default=-1) if cues.within(before) else -1
            if cue >= 0:
                gap = before[cue:]
                if self.others.within(before[:cue]):
                    return 0  # '我老公老家是湖南的'
                if len(gap) <= 6 and not self.elsewhere.within(self.arrivals.removed(gap)):  # '家乡签到我是…': no 到 of a trip
                    return rank
        if after.startswith(self.grew_up) and strip_leading(before, self.raised_in + self.leads) == "":
            return STRONG  # (老家 over it) '在威海长大的', '芜湖出生，上海长大', '四川德阳籍': born or raised there
        if m.weak:  # a county's short name counts only right after 来自 / 老家 / 家乡, or as '我是婺源的'
            if cue_before and before == "" and strip_leading(after, self.tail) == "":
                return STRONG  # '来自 HZ', '家乡签到： 婺源'
            if before == "" and after in ("的", "人", "的人") and not m.letters:
                return PLAIN  # '顺德的!', '萧山人': the whole clause is the answer's shape
            self_said = self.self_cues.within(before) and strip_leading(before, self.weak + self.tail) == ""
            if m.letters and strip_leading(before, self.leads) == "" and after and self._answer_tail(after):
                return PLAIN  # 'bj的', 'SH的，大家好' (a lone 'tj' may be anything)
            return PLAIN if self_said and strip_leading(after, self.tail) == "" else 0
        if self.elsewhere.within(before) or after.startswith(self.elsewhere) and not after.startswith(self.people):
            return 0  # '明天去北京出差', '在深圳工作' (not '魔都打工人报道')
        if self.greetings.within(clause.text[:m.start]):  # '老师您好我是…' (read unblanked: '老师好' is harmless)
            before = before[m.start - len(strip_leading(clause.text[:m.start], self.greetings)):]
        unnamed = self._unnamed(before)  # '大家可以叫我阿梅我是…': 大家 is who they speak to
        if unnamed.startswith(self.titles):  # '哥是辽宁大连滴': a title the sender gives themselves, said first
            unnamed = unnamed[len(next(t for t in self.titles if unnamed.startswith(t))):]
        if self.others.within(unnamed):
            return 0
        if unnamed.endswith("的") and unnamed.startswith(text[m.start:m.end]) and len(unnamed) <= m.end - m.start + 5:
            unnamed = ""  # '青岛啤酒的青岛': the place named first by a thing it is known for
        lead = strip_leading(unnamed, self.leads)
        # '我是河南周口的今天第一次进群', '我是河南洛阳的牡丹之城欢迎大家', '我是云南昆明的春城四季如春'
        # ... '我是江苏省徐州市铜山区人今年六十三岁了': 人 said, then about themselves
        # ... '我们是四川绵阳的两口子一起来学': 的 and who they are, then more
        run_on = self.self_cues.within(before) and ("的" in text[m.start:m.end] or after.startswith(("的", "人")) and (
            after[1:].startswith(self.then) or after.startswith("的") and (self.epithets.within(after[1:10])
                                                                          or after.startswith(self.persons, 1))))
        said = self._answer_tail(after) or run_on or self._address(text[m.start:m.end], m, after)
        if lead == "" and said:
            return STRONG if cue_before else PLAIN  # '四川成都', '我是山东的', '河北保定的老李', '东莞的打工人报到'
        return 0

    def _address(self, named: str, m: Mention, after: str) -> bool:
        """'北京市朝阳区望京', '广东省深圳市南山区蛇口': written out like an address, down to a district, and a
        quarter of it the gazetteer does not list (a few characters, nothing said of them)."""
        if m.level < 3 or not named.endswith(("区", "县", "旗")) or not _ADDRESS.search(named[:-1]):
            return False
        rest = strip_leading(after, self.tail)
        return 1 <= len(rest) <= 4 and _QUARTER.match(rest) is not None and not self.elsewhere.within(rest)

    def _unnamed(self, before: str) -> str:
        """What comes before a place, without a name said first ('大家好我叫小芳我是' -> '我是')."""
        if not self.names.within(before):
            return before
        start, end = self.names.spans(before)[0]
        me = self.self_cues.spans(before[end:])
        if not me and 0 < before.find("是", end) - end <= 4:  # '我叫小美是江苏苏州的'
            me = [(before.find("是", end) - end, before.find("是", end) - end + 1)]
        if not me or me[-1][0] > 6 or strip_leading(before[:start], self.leads) != "":
            return before  # a name is short: '我叫王秀英我是…'
        return before[end + me[-1][0]:]

    def _answer_tail(self, after: str) -> bool:
        """What may follow a place in an answer: fillers ('的小伙伴报到'), a person ('的老李，今年48'), '人在上海'."""
        rest = strip_leading(after, self.tail)
        if rest == "" or (after.startswith("的") and rest.startswith(self.people)):
            return True
        if _AREA.match(rest) or _TOWN.match(after):
            return True
        area = _AREA_HEAD.match(rest)
        if area and strip_leading(rest[area.end():], self.tail) == "":
            return True  # '苏州工业园区', '成都高新区', '东莞虎门的': a part of the city the gazetteer does not list
        near = self._near.match(after)
        if near and strip_leading(after[near.end():], self.tail) == "":
            return True  # '义乌小商品城那边的': a landmark of the place, and near it
        trade = next((w for w in self.trades if after.startswith(w)), None)
        if trade is not None:  # '浙江义乌做小商品的', '东莞开厂的老板': who they are by their trade there
            made = _TRADE.match(after, len(trade))
            if made and strip_leading(after[made.end():], self.tail + self.people) == "":
                return True
        work = next((w for w in self.works if after.startswith(w)), None)  # '大庆油田的老职工', '攀钢子弟'
        if work is not None:
            rest = after[len(work):].removeprefix("的")
            person = next((p for p in self.people if rest.startswith(p) and len(p) >= 2), None)
            return person is not None and strip_leading(rest, self.people + self.tail) == ""  # '的退休职工', '矿工子弟'
        if after.startswith("人在") or (after.startswith("人") and rest.startswith("在")):
            return True  # '安徽合肥人在杭州': who they are, then where they are
        ethnic = next((n for n in self.nations if rest.startswith(n) and len(n) >= 2), "")  # '恩施的土家妹子'
        rest = rest[len(ethnic):] if ethnic and not rest.startswith(self.people) else rest
        person = next((p for p in self.people if rest.startswith(p)), None)
        return person is not None and len(strip_leading(rest[len(person):], self.tail)) <= 1  # '重庆妹子一枚
