"""The language layer on what members really write: the labelled corpus meets its bar, every ritual reads through the
layer, an operator's own phrase works without code, and no input makes it fail."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from bot.language import INTENTS, Reader
from bot.playbook import PlaybookError, load_playbook
from harness import PLAYBOOK, READER, ROOM

CORPUS = Path(__file__).parent / "language"
EVAL_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "language_eval.py"


def _eval():
    """scripts/language_eval.py as a module (the test scores exactly what the script prints)."""
    spec = importlib.util.spec_from_file_location("language_eval", EVAL_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_corpus_is_big_and_tricky_and_the_held_out_set_is_unseen():
    tuning = [json.loads(x) for x in (CORPUS / "corpus.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(tuning) >= 3000
    assert sum(m["tricky"] for m in tuning) >= 1000
    held_file = CORPUS / "holdout.jsonl"  # written separately, by someone who has not seen the tuning corpus
    held = [json.loads(x) for x in held_file.read_text(encoding="utf-8").splitlines() if x.strip()] if held_file.exists() else []
    assert not {m["text"] for m in tuning} & {m["text"] for m in held}  # nothing tuned on is scored as unseen
    for m in tuning + held:
        assert set(m["intents"]) <= set(INTENTS)


@pytest.mark.parametrize("intent", INTENTS)
def test_each_intent_meets_the_bar_on_the_tuning_corpus(intent):
    ev = _eval()
    score = ev.evaluate(READER, ev.load(ev.CORPUS))[intent]
    assert score.precision >= 0.98, score.false_positives
    assert score.recall >= 0.95, score.misses


@pytest.mark.parametrize("text, private, intents", [
    ("打卡，实操也完成了✅", False, ["checkin", "practice"]),  # one message, two intents
    ("我來自廣東廣州，今日打卡", False, ["hometown", "checkin"]),  # traditional characters
    ("ＤＡＹ３打咔！！！", False, ["checkin"]),  # full-width, a homophone typo, repeated punctuation
    ("ヾ(◍°∇°◍)ﾉﾞ实操搞定✌️", False, ["practice"]),  # kaomoji and emoji
    ("[捂脸]今天没时间打卡了，明天补上", False, []),  # an excuse
    ("打卡在哪里打", False, []),
    ("周末去了个网红打卡地", False, []),
    ("实操完成不了", False, []),
    ("👍", False, []),
    ("请帮我退订，谢谢", True, ["optout"]),
    ("不要再给我发优惠信息了", True, ["optout"]),
    ("退订了还能上课吗？", True, ["question"]),
    ("老师，基金定投每个月投多少合适？", True, ["question"]),
    ("终于毕业啦", False, ["graduation"]),
    ("我也毕业咯", False, ["graduation"]),
    ("我女儿今年毕业", False, []),  # a third party
    ("还有两天就毕业了", False, []),  # not yet
    ("别再发了，谢谢", True, ["optout"]),
    ("别发这么多表情包😂", True, []),  # not about marketing
    ("不用发了，我已经看到了", True, []),  # that one thing, not every message
    ("想问下定投和一次性买哪个好", True, ["question"]),
    ("存定期还是买理财好呢", True, ["question"]),  # a choice, no question mark
    ("收到谢谢", True, []),
    ("在吗老师", True, []),  # a greeting
])
def test_what_a_message_says(text, private, intents):
    assert READER.read(text, private=private).intents() == intents


@pytest.mark.parametrize("text, private, intents", [
    # graduation: closing particles, homophones, a camp's word, English, emoji - not plans, hopes or instructions
    ("毕业打卡🎓", False, ["graduation"]),
    ("毕业罗～", False, ["graduation"]),
    ("我毕叶了哈哈", False, ["graduation"]),
    ("结营啦", False, ["graduation"]),
    ("graduated!", False, ["graduation"]),
    ("🎉🎓✌️", False, ["graduation"]),
    ("老师我跟你们说我今天终于毕业了真的特别开心谢谢你们", False, ["graduation"]),  # a voice-to-text run-on
    ("毕业证在哪里领", False, []),
    ("争取顺利毕业", False, []),
    ("恭喜恭喜，都毕业了", False, []),
    ("老师说发我毕业啦就行", False, []),
    # opt-out in a private chat: short, rude, indirect, English - not a question about it
    ("T", True, ["optout"]),
    ("STOP STOP", True, ["optout"]),
    ("拉黑你了", True, ["optout"]),
    ("不需要了，别推荐了", True, ["optout"]),
    ("你们的推送我不想看", True, ["optout"]),
    ("老师别再给我发课程了，我不学了", True, ["optout"]),
    ("please stop sending me messages", True, ["optout"]),
    ("TD是什么", True, ["question"]),
    ("这个别发了，我有", True, []),
    # questions in a private chat: small talk, rhetoric and forwarded texts ask nothing
    ("好的收到", True, []),
    ("老师辛苦了", True, []),
    ("转发：基金定投的五个误区，建议收藏", True, []),
    ("几点都行", True, []),
    ("我知道哪个好了", True, []),
    ("我妈问我这是什么课", True, []),
    ("没什么区别", True, []),
    ("嗯？", True, []),
    ("怎么领券", True, ["question"]),
    ("定投和一次性买入的区别", True, ["question"]),
    ("我想知道怎么查收益", True, ["question"]),
    ("how to buy fund", True, ["question"]),
    # check-in and practice talked about, not done
    ("网红餐厅打卡中", False, []),
    ("打卡太麻烦了", False, []),
    ("一起打卡吧", False, []),
    ("完成实操的同学好厉害", False, []),
    ("附上实操截图", False, ["practice"]),
    ("实操：定投计划设置好了", False, ["practice"]),
])
def test_what_members_also_write(text, private, intents):
    assert READER.read(text, private=private).intents() == intents


@pytest.mark.parametrize("text, private, intents", [
    # slips: 以 for 已, homophones of 退订 and 毕业, place names misspelt, 打卡's initials
    ("作业以交", False, ["practice"]),
    ("可以打卡了吗", False, []),  # a guard: 可以 keeps its 以
    ("做业务做完了才有空听课", False, []),
    ("腿订", True, ["optout"]),
    ("我比业啦🎉", False, ["graduation"]),
    ("和同类基金比业绩", False, []),
    ("来自安微合肥", False, ["hometown"]),
    ("今日dk", False, ["checkin"]),
    ("SDK怎么下载", False, []),
    # a debt is not a check-in; a day marked done heads a longer message
    ("打卡先欠着，明天补", False, []),
    ("第5天✅，收获满满", False, ["checkin"]),
    # practice done late, shown as a screenshot, said with a loanword - not the teacher's assignment
    ("前天的实操补好了✌️", False, ["practice"]),
    ("[图片] 作业截图", False, ["practice"]),
    ("实操妥了", False, ["practice"]),
    ("以上是老师布置的实操，大家记得做", False, []),
    # a ceremony's check-in is the graduation, not a day's check-in
    ("结业打卡🎓", False, ["graduation"]),
    # opt-out: other ways of sending, from now on, said in exasperation - the exasperation asks nothing
    ("請不要再傳任何訊息給我", True, ["optout"]),
    ("之后的课程就不用推给我了", True, ["optout"]),
    ("怎么老发这些，说了不用了", True, ["optout"]),
    ("天天发有意思吗", True, ["optout"]),
    ("我看不懂这些，以后别发了", True, ["optout"]),
    ("我跟老公说了不要买股票", True, []),
    ("买保险有必要吗", True, ["question"]),
    # a problem told to the advisor asks for help; a refusal said twice asks nothing
    ("优惠券领不到", True, ["question"]),
    ("刚才进不去，现在可以了", True, []),
    ("不用了不用了，谢谢老师", True, []),
    ("没有没有，老师客气了", True, []),
    ("这只基金值不值得买", True, ["question"]),
])
def test_what_the_spent_held_out_sets_taught(text, private, intents):
    assert READER.read(text, private=private).intents() == intents


@pytest.mark.parametrize("text, private, intents", [
    # a quoted post is someone else's words: the member's own come after it
    ("「小助手：请回复你的家乡，例：江苏苏州」\n- - - - - - - - - - - - - - -\n四川绵阳", False, ["hometown"]),
    ("「小助手：今天学完记得回复打卡」\n- - - - - - - - - - - - - - -\n收到", False, []),
    # Cantonese: 屋企 (home), 而家 (now), 返工 (work), 打咗卡
    ("我屋企喺湖南岳陽，而家喺深圳返工", False, ["hometown"]),
    ("今日打咗卡啦", False, ["checkin"]),
    ("今日冇打卡，聽日補", False, []),
    # said in one breath: a connective or a final particle starts a new sentence
    ("老师我打卡了然后实操那个基金账户我也开好了就是不知道买哪只好", False, ["checkin", "practice"]),
    ("今天本来想打卡的然后忙忘了明天一定补上", False, []),
    # conceded, then done; done but not counted; another's news when the sender has not
    ("虽然有点难但实操还是交了", False, ["practice"]),
    ("卡打了但是没显示", False, []),
    ("老陈作业早交了，我还没动呢", False, []),
    ("老刘来打卡✅", False, ["checkin"]),
    # English words for the work; a must or an if is no report
    ("Homework done 💪", False, ["practice"]),
    ("作业还没写，今天加班也得写完", False, []),
    ("如果我今天打卡了能算全勤吗", False, []),
    ("周末去了个打卡餐厅，排队一小时", False, []),
    # opt-outs: a channel named, a dismissive 什么, a polite tag, for a parent - not another's marketing
    ("别再打电话了，也别发短信", True, ["optout"]),
    ("以后别再给我发什么优惠了", True, ["optout"]),
    ("我不想再收到推送了，好吗", True, ["optout"]),
    ("这个微信是我妈的，请不要再给她推送了", True, ["optout"]),
    ("我把爱奇艺会员退订了", True, []),
    ("银行理财经理天天给我推销，烦死了", True, []),
    # rhetorical and exclaimed questions ask nothing; a choice asks without a question mark
    ("哪有那么容易发财的？", True, []),
    ("你说离谱不离谱，刚买就跌", True, []),
    ("实操截图发群里还是发给您", True, ["question"]),
    ("学了几天还是挺有用", True, []),
    # a day's 卡 made up later; a relative's problem asks the advisor
    ("昨天的卡今天补上了", False, ["checkin"]),
    ("银行卡今天补好了", False, []),
    ("我老公没收到", True, ["question"]),
    ("我老公的打不开，他自己搞", True, []),
])
def test_what_set_e_taught(text, private, intents):
    assert READER.read(text, private=private).intents() == intents


@pytest.mark.parametrize("text, private, intents", [
    # said to the advisor in the shape of a question, but said: reactions, thanks with a particle, what everyone would
    # answer the same, regret, surprise, a complaint with exasperation, hearsay, a text passed on, a concession
    ("在吗在吗", True, []),
    ("真的假的", True, []),
    ("收到啦，谢谢您嘛", True, []),
    ("谁还不想发财呢？", True, []),
    ("难道存银行就安全吗？未必吧", True, []),
    ("我哪懂这些啊，全靠老师了", True, []),
    ("这么简单的道理我怎么早没想到呢😂", True, []),
    ("哇这么厉害吗", True, []),
    ("股市怎么又跌了，真是服了", True, []),
    ("我朋友说她退订了，之后就再也收不到课程通知了", True, []),
    ("转：为什么年轻人都开始存钱了？", True, []),
    ("不管涨还是跌，我都坚持定投", True, []),
    ("今天跟女儿聊了一下什么是复利，她很感兴趣", True, []),
    # ... and asked without the shape of one: a request, a doubt, a relative's problem, voice to text
    ("求一个定投计算器的链接", True, ["question"]),
    ("老师 有个事想麻烦您", True, ["question"]),
    ("我是新手 不知道从哪开始", True, ["question"]),
    ("我妈说她收不到群里的消息", True, ["question"]),
    ("嗯老师就是我想问一下那个就是定投的话是每周好还是每月好", True, ["question"]),
    ("老师，怎么还没发今天的课件", True, ["question"]),
    # opt-outs: exasperated, 屏蔽我, an open-ended pause - not a pause for a while, a hypothetical, 退订 as a thing
    ("怎么还在发？我上次就说了不要了", True, ["optout"]),
    ("屏蔽我吧，以后有啥活动都别叫我了", True, ["optout"]),
    ("最近家里事情多，课程的消息就先不要给我发了，谢谢理解🙏", True, ["optout"]),
    ("先别发，我在开会，晚点看", True, []),
    ("如果我取消订阅，之前的课程回放还能看吗", True, ["question"]),
    ("上次那个退订的链接我没点，放心", True, []),
    # the day of a check-in; the mark asked about; my own after asking another; a mishap in the story; a typed tick
    ("又是打卡的一天💪", False, ["checkin"]),
    ("又是忘记打卡的一天😭", False, []),
    ("打卡✅这个符号怎么打出来的？", False, []),
    ("@小王 你实操做完了吗？我的做完了，挺快的", False, ["practice"]),
    ("你实操交了吗？我还没交", False, []),
    ("刚才一边炒菜一边弄的，实操终于弄完了，中间还点错了两次😅", False, ["practice"]),
    ("实操 √", False, ["practice"]),
    ("本人已顺利完成七日课程，今日毕业，特此感谢诸位老师悉心教导。", False, ["graduation"]),
])
def test_what_set_f_taught(text, private, intents):
    assert READER.read(text, private=private).intents() == intents


@pytest.mark.parametrize("text, private, intents", [
    # a private message is a question for the advisor only when it asks about what the advisor serves (the course,
    # money and products, an account, the app) or tells a problem: small talk, reactions, praise and laments are not
    # ... but a question asked of the advisor about themselves is one (writers N and Q); a greeting is not
    ("老师周末出去玩了吗", True, ["question"]),
    ("老师您是哪里人呀", True, ["question"]),
    ("老师做这行几年了", True, ["question"]),
    ("老师吃饭了吗？", True, []),
    ("在吗？", True, []),
    ("老师我是不是话太多了😂", True, []),
    ("怎么讲得这么清楚啊老师！", True, []),
    ("唉，为什么钱总是不够花", True, []),
    ("这不就是割韭菜吗？", True, []),
    ("谁说理财难？跟着老师学就简单了", True, []),
    ("这课程值不值，我觉得太值了", True, []),
    ("我回头想想买哪个再跟您说", True, []),
    ("我老公问我天天抱着手机干嘛，我说我在学习", True, []),
    ("老师周末上课吗", True, ["question"]),  # small talk's words, but the course asked about
    ("那个讲义有电子版没有", True, ["question"]),
    ("直播的时候没声音", True, ["question"]),  # a problem told
    ("老师 那个回放 在哪看", True, ["question"]),
    # a picture sent is the work shown; a cross says not done; done said before the work, or late
    ("[图片]", False, ["practice"]),
    ("[图片][图片] 实操", False, ["practice"]),
    ("[图片] 这是我在西湖拍的", False, []),
    ("打卡✖️ 摸鱼✔️ 今天真的学不动了", False, []),
    ("Done with 实操 today", False, ["practice"]),
    ("昨天没做完的实操，今天补完了", False, ["practice"]),
    ("按照老师教的方法把家里的开销算了一遍，作业做好了", False, ["practice"]),
    ("我老公说我三分钟热度，打卡肯定坚持不过三天", False, []),
    ("今天正式从小白班毕业", False, ["graduation"]),
    ("我是从师范大学毕业的", False, []),
    ("阿姨不学了 别再发来了", True, ["optout"]),
    ("上次差点就退订了哈哈，幸好没有", True, []),
])
def test_what_set_g_taught(text, private, intents):
    assert READER.read(text, private=private).intents() == intents


@pytest.mark.parametrize("text, home", [
    # a correction that points back at what was sent; an end particle, a slip or an address to the group around it
    ("不好意思，上面发的是我上班的地方，老家其实是河北邯郸", ("河北省", "邯郸市", True)),
    ("湖南衡阳哒，大家好呀", ("湖南省", "衡阳市", False)),
    ("我来子湖南岳阳", ("湖南省", "岳阳市", False)),
    ("集美们我是四川南充的！阆中古城yyds", ("四川省", "南充市", False)),
    ("我们这边是河北唐山", ("河北省", "唐山市", False)),
    ("家人们谁去过云南大理？", None),
])
def test_hometowns_set_g_taught(text, home):
    got = READER.read(text).hometown
    assert ((got.province, got.city, got.correction) if got else None) == home


@pytest.mark.parametrize("text, home", [
    ("深圳龙华区报到🙋\u200d♀️", ("广东省", "深圳市")),  # a district newer than the table, then the fillers
    ("说错了 不是湖北是湖南 湖南岳阳", ("湖南省", "岳阳市")),  # the place said again is the answer
    ("我是和南周口的", ("河南省", "周口市")),  # a homophone slip in the province
    ("我和南京的朋友一起来的", None),
])
def test_hometowns_set_f_taught(text, home):
    got = READER.read(text).hometown
    assert (got.province, got.city) == home if home else got is None


@pytest.mark.parametrize("text, home", [
    ("大家好我叫王秀英我是山东临沂的退休了想学学理财", ("山东省", "临沂市")),  # a name, then the answer
    ("老公的老家是安徽阜阳，我是江苏盐城的", ("江苏省", "盐城市")),
    ("我男朋友老家是东北的，哈尔滨", None),  # another's home, then a bare place
    ("我婆家是河南的", None),
])
def test_whose_home_it_is(text, home):
    read = READER.read(text).hometown
    assert (read and (read.province, read.city)) == home


@pytest.mark.parametrize("text, private, intents", [
    # set H and round 6: dialect, slang and initials for done; the work handed in; others who did it; Wu's 伐 asks
    ("zy交了", False, ["practice"]),
    ("实操整完了", False, ["practice"]),
    ("功课搞掂", False, ["practice"]),
    ("sc完成", False, ["practice"]),
    ("老师我的实抄做完了", False, ["practice"]),
    ("模拟盘开好了，也按老师说的买了第一笔指数基金，截图发上来了", False, ["practice"]),
    ("截图保存好了，回头慢慢看", False, []),
    ("实操做完的同学好厉害", False, []),
    ("侬作业交了伐", False, []),
    ("homework not done yet", False, []),
    ("school homework is hard", False, []),
    ("今天大卡 学习了", False, ["checkin"]),
    ("Day5 checked ✅", False, ["checkin"]),
    ("今天吃了800大卡", False, []),
    ("打卡莫得用", False, []),
    ("俺毕业咧", False, ["graduation"]),
    ("我毕业辽", False, ["graduation"]),
    ("恭喜自己毕业🎉", False, ["graduation"]),
    ("小王都毕业了，我还在第三天😂", False, []),
    ("把我的号从群发里去掉", True, ["optout"]),
    ("我已经不需要这些理财信息了，麻烦停发", True, ["optout"]),
    ("不要在发了", True, ["optout"]),
    ("这年头谁还把钱存银行啊？利息那么低", True, []),
    ("太难了吧，谁能学得会啊", True, []),
    ("今天又亏了两百，就是跟您说说，不用回复哈", True, []),
    ("老师，定投多少合适？不急，您有空再回我", True, ["question"]),
])
def test_what_set_h_taught(text, private, intents):
    assert READER.read(text, private=private).intents() == intents


@pytest.mark.parametrize("text, intents", [
    # what the relay should forward: a question about what the advisor serves, however it is put ...
    ("我邻居问我基金能不能买，我不知道怎么回她，老师您说呢？", ["question"]),  # a reported question, then turned to us
    ("老师周末好呀，想问下周末有课吗", ["question"]),
    ("算了，直接告诉我买哪个吧", ["question"]),  # what follows a withdrawal still asks
    ("真的假的？那我现在要赶紧卖掉吗？", ["question"]),
    ("收益率15%是真的吗？亏了找谁？", ["question"]),
    ("老师，我对你们的进阶课有兴趣，怎么报名？", ["question"]),
    ("课后作业要交给谁", ["question"]),
    ("笔记：我记到第三点就没跟上，第四点是什么？", ["question"]),  # the member's own question under a note's label
    ("我之前退订了，现在想重新订阅，怎么弄？", ["question"]),  # asks to come back: no opt-out
    # ... and what it should not: said in the shape of a question
    ("免费的课能有什么好东西，最后还不是要卖课", []),  # a scoff
    ("收益率15%？说得好听，亏了找谁", []),  # a sneer
    ("这也太难了吧？我学了三遍还是不会😂", []),  # too much, exclaimed
    ("行吧，你们说什么就是什么", []),  # whatever
    ("您好，我是做保险的，有兴趣了解一下我们的重疾险吗？", []),  # a seller's offer
    ("我有个问题……算了，等我想清楚再问你", []),  # taken back
    ("有个事想问您，等我想好了再问", []),  # put off
    ("为什么我这么穷？因为我没文化😂", []),  # answered at once
    ("什么是复利？复利就是利滚利嘛，我懂了", []),
    ("我今天终于把花呗还清了，开心吗？开心！", []),
    ("真的假的？基金还能亏到一半？", []),  # surprise echoed
    ("我孙子问我基金是啥，我一下子也说不清楚", []),  # a reported question and its story
    ("我老公说要不要一起学，我说随你", []),
    ("今天学的内容：1. 什么是货币基金 2. 货币基金和余额宝的区别", []),  # the course's words noted
    ("就想问问老师最近好不好，好久没聊了", []),  # small talk, asked politely
    ("How was your weekend?", []),
    ("谢谢您的耐心讲解呀？", []),
    ("老师，明天见？", []),
    ("在？", []),
    ("我听课听了三天了，啥也没学到，浪费时间", []),  # nothing, not what
    ("老师您怎么懂这么多呀", []),  # praise
    ("凭什么说定投就一定赚钱？历史又不代表未来", []),  # a claim challenged
    ("老师好我今天听了课感觉收获特别大以前从来不知道什么是复利现在终于明白了谢谢老师啊", []),  # a run-on, read whole
    ("这是什么神仙课程啊！", []),  # an exclamation
    ("有没有人跟我一样，听完就想存钱的😂", []),
    ("不是说好了今天发红包吗，哈哈，逗你的", []),  # a joke taken back
    ("随便问问哈，基金是不是都会亏？", ["question"]),  # asked casually, still asked
    ("听说你们后面要收费，真的吗", ["question"]),  # hearsay of what the advisor serves, to confirm
    ("基金又跌了，真的假的", []),  # a reaction to news
    ("你好，我们这边有低息贷款，需要了解一下吗？", []),  # an offer
    ("我们这边有个问题，需要您帮忙看一下，开户一直失败", ["question"]),
    ("刚看到一个段子：问：怎样才能快速致富？答：做梦。😂", []),
    # opt-out
    ("阿拉勿要再收到侬额消息了，谢谢侬", ["optout"]),
    ("老师，课我不上了，以后有什么活动也别通知我了", ["optout"]),  # 'whatever' events, not a question
    ("别整这些了 嘎哈啊天天发 别给我发了", ["optout"]),  # why they send, in exasperation
    ("我退订了，现在又想听课，怎么恢复？", ["question"]),
])
def test_what_the_advisor_is_asked_and_what_is_only_said(text, intents):
    assert READER.read(text, private=True).intents() == intents


def test_a_run_on_remembers_where_it_was_cut():
    parts = READER.read("说到底不就是想让我们买你们的产品吗？", private=True).parts
    assert [(c.text, c.cut) for c in parts] == [("说到底不", False), ("就是想让我们买你们的产品吗", True)]


@pytest.mark.parametrize("text, home", [
    ("我是江苏的，不对，安徽的", ("安徽省", None, False)),  # a self-correction in one message: the later place
    ("台灣…不是啦，我是福建漳州的", ("福建省", "漳州市", False)),
    ("来自台湾台北", ("台湾省", None, False)),  # the adcode table has no Taiwanese cities: the province, city unknown
    ("我系广东佛山嘅", ("广东省", "佛山市", False)),
    ("我屋头是四川南充", ("四川省", "南充市", False)),
    ("阿拉上海人", ("上海市", "上海市", False)),
    ("俺是山东临沂的", ("山东省", "临沂市", False)),
    ("吉林长春银儿，大伙好", ("吉林省", "长春市", False)),
    ("来自 HZ", ("浙江省", "杭州市", False)),
    ("Huzhou, Zhejiang 🙋", ("浙江省", "湖州市", False)),
    ("Born and raised in Shanghai", ("上海市", "上海市", False)),
    ("北京市朝阳区望京", ("北京市", "北京市", False)),  # an address down to a quarter the table does not list
    ("「请大家回复家乡完成签到」→ 湖北武汉", ("湖北省", "武汉市", False)),  # the bot's post quoted, then the answer
    ("看到大家都在报家乡我也来一个：湖北十堰的，不过一直在武汉上班", ("湖北省", "十堰市", False)),
    ("义乌小商品城那边的，大家好", ("浙江省", "金华市", False)),
    ("上海市浦东新区好冷", None),
    ("My husband is from Wuhan", None),
    ("sh的房价谁买得起", None),
    ("I went to the shop", None),  # 'sh' inside a word is no place
    ("bj的", ("北京市", "北京市", False)),
    ("TJ", None),  # initials alone may be anything
    ("恩施的土家妹子来报到啦", ("湖北省", "恩施土家族苗族自治州", False)),
    ("芜湖出生，上海长大", ("安徽省", "芜湖市", False)),
    ("湖南长沙（打错了，是株洲）", ("湖南省", "株洲市", True)),
    ("明天去杭州，不是，去苏州", None),
])
def test_hometowns_set_h_taught(text, home):
    got = READER.read(text).hometown
    assert ((got.province, got.city, got.correction) if got else None) == home


@pytest.mark.parametrize("text, intents", [
    ("明天再打吧……算了现在就打，打卡✅", ["checkin"]),  # 算了 takes back the delay, not the deed
    ("打卡……算了明天吧", []),
    ("我昨天就打过卡了，今天还要打吗？", []),  # asks whether to check in again
    ("打卡打卡，天天打卡有什么用，骗人的吧", []),  # checking in derided
    ("加V：abc123，免费带你打卡赚钱，日入500", []),  # a pasted ad
    ("帮我老公打个卡，他手机没电了", []),  # a report for someone else is not the sender's check-in
    ("我打卡了，顺便帮我姐也打一个", ["checkin"]),
    ("打开，今天学的定投", ["checkin"]),  # 打卡 misheard by voice input, said alone
    ("打开支付宝就能买", []),
    ("补打昨天的卡", ["checkin"]),
    ("补打印了一份资料", []),
    ("第3/7天打卡", ["checkin"]),  # a fraction of the course, not a date
    ("3/4的钱放货基，1/4买指数", []),
    ("实操还没……哦不，刚刚已经交了，系统显示已提交", ["practice"]),  # a not-done taken back at once
    ("小李实操已经做完了，大家可以参考她的", []),  # someone named, and pointed back at
    ("打咗卡，實操都做埋", ["checkin", "practice"]),
    ("实操弄巴适了，要得", ["practice"]),
    ("作业已私发老师", ["practice"]),
    ("「小助手：今天的实操是开通一个货币基金账户」 做完了，开了余额宝", ["practice"]),  # the quote names the work
    ("> 小助手：今天的实操是计算自己的月结余\n我算了，月结余2300，实操完成", ["practice"]),
    ("实操作业：\n1）开通了基金账户\n2）买入沪深300指数基金100元\n完成！", ["practice"]),
    ("终于熬到毕业，撒花🌸🌸", ["graduation"]),
    ("我们家我第一个毕业的哈哈，老公还在第三天", ["graduation"]),
    ("毕业快乐，说的是我自己哈哈", ["graduation"]),
    ("今天也是毕业的一天，开心", ["graduation"]),
    ("期待毕业的一天", []),
    ("闭业啦哈哈哈", ["graduation"]),
    ("这家店闭业了", []),
    ("大家都打卡了吗？我打了", ["checkin"]),  # 打了 after 打卡 is named
    ("老公说我天天打卡比上班还积极哈哈，今天也打了", ["checkin"]),
    ("今天的卡先打上，实操晚上下班做", ["checkin"]),
    ("卡和作业都完成了", ["checkin", "practice"]),  # the day's 卡 named with the work
    ("打卡和实操都还没做", []),  # a not-done of both
    ("今天也要打卡哦", []),  # an intention
    ("作业的话我觉得年化4%已经不错了", []),  # 已经 with a judgement is no deed
    ("毕业了吗我", []),
    ("Bi ye le!!!", ["graduation"]),
])
def test_what_set_i_and_round_7_taught(text, intents):
    assert READER.read(text).intents() == intents


@pytest.mark.parametrize("text, intents", [
    ("补个周二的卡，那天出门走亲戚了", ["checkin"]),  # a day's 卡 made up, the day between 补 and 卡
    ("补昨天的卡可以吗？", []),
    ("👌", []),  # a lone OK, like a lone 👍
    ("打卡👌", ["checkin"]),
    ("上面那位姐妹的打卡好认真，向你学习", []),  # another member's post
    ("同楼上，打卡✅", ["checkin"]),  # ... but 'me too'
    ("今天的卡我打了，实操晚上再弄", ["checkin"]),
    ("打个卡再去接孙子", ["checkin"]),  # what the sender goes on to do
    ("基金申购申请已提交，等待确认", ["practice"]),  # an order placed
    ("买入申请被驳回了，说余额不足", []),
    ("每月定投已开启，500一个月", ["practice"]),
    ("打卡、实操、作业 一条龙搞定✅", ["checkin", "practice"]),  # the course's words listed, all said done
    ("实操作业一条龙服务，骗钱的吧", []),
    ("实操一开始没看懂，后来在老伴帮忙下弄好了", ["practice"]),  # hard, then done, with another's help
    ("实操太难了，但我会努力做完", []),
    ("我老公帮我把作业交了", []),  # another did it
    ("照着老师的步骤来，总算把基金账户开好了", ["practice"]),  # the way as taught, the deed next
    ("跟着老师一步一步操作，还是没买上", []),
    ("作业做完的话记得发截图", []),  # a condition
    ("实操完成后截图发群里", []),  # a rule: what to do then
    ("实操完成后我就去睡了", ["practice"]),
    ("群里说实操完成可以抽奖，真的假的", []),  # another's claim asked about
    ("老师说得对，实操我做完了", ["practice"]),
])
def test_what_set_q_taught_of_the_group(text, intents):
    assert READER.read(text).intents() == intents


@pytest.mark.parametrize("text, home", [
    ("我是河南的啊不河北的", ("河北省", None, False)),  # corrected with no stop between
    ("我是陕西咸阳的哦不宝鸡的", ("陕西省", "宝鸡市", False)),
    ("更正一下 刚才手滑 不是湖北荆州是湖北荆门", ("湖北省", "荆门市", True)),
    ("不好意思是山西大同", ("山西省", "大同市", True)),  # an apology, then the place: a correction
    ("刚才语音转文字转错了，是甘肃天水，不是什么天书😂", ("甘肃省", "天水市", True)),
    ("我是湖南长沙……其实准确说是湘潭的，只是在长沙读的书", ("湖南省", "湘潭市", False)),  # said more exactly
    ("我是江苏省徐州市铜山区人今年六十三岁了请大家多关照", ("江苏省", "徐州市", False)),
    ("家乡签到我是贵州六盘水的现在在浙江宁波打工", ("贵州省", "六盘水市", False)),  # 签到's 到 is no trip
    ("我是江西赣州的在广东东莞住了十几年了", ("江西省", "赣州市", False)),
    ("大凉山西昌的，彝族，火把节欢迎来耍噻", ("四川省", "凉山彝族自治州", False)),
    ("刚才去北京了", None),
    ("给我闺女报个到，她叫小雨，家在湖南常德", None),  # answered for someone else
    ("帮我妈签个到，她在湖北十堰，我自己是襄阳的", ("湖北省", "襄阳市", False)),
])
def test_hometowns_set_i_and_round_7_taught(text, home):
    got = READER.read(text).hometown
    assert ((got.province, got.city, got.correction) if got else None) == home


def test_a_quoted_line_is_dropped_in_a_group_and_a_private_chat_reads_as_before():
    text = "> 老师：明天直播\n几点开始？"
    assert READER.read(text).text == "几点开始?"
    assert READER.read(text, private=True).text == "老师:明天直播 几点开始?"


def test_a_short_typo_in_letters_is_fixed_only_as_a_word_of_its_own():
    assert READER.read("zy交了").text == "作业交了"
    assert READER.read("lazy day").text == "lazy day"  # no 作业 inside 'lazy'
    assert READER.read("school").text == "school"  # no 实操 inside 'school'


def test_the_eval_script_scores_a_held_out_set_given_by_path_and_says_when_there_is_none(tmp_path, capsys, monkeypatch):
    ev = _eval()
    held = tmp_path / "held.jsonl"
    held.write_text(json.dumps({"text": "打卡✅", "chat": "group", "intents": ["checkin"], "tricky": False},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setattr(ev, "cost", lambda reader: {"median_us": 1.0, "p99_us": 1.0, "fresh_median_us": 1.0, "long_100k_ms": 1.0})
    monkeypatch.setattr(ev, "CORPUS", held)  # a one-line corpus: the test is about the held-out set
    monkeypatch.setattr(sys, "argv", ["language_eval.py", "--json", "--holdout", str(held)])
    ev.main()
    assert json.loads(capsys.readouterr().out)["holdout"]["checkin"] == {"precision": 1.0, "recall": 1.0}
    monkeypatch.setattr(sys, "argv", ["language_eval.py", "--holdout", str(tmp_path / "absent.jsonl")])
    ev.main()
    assert f"no held-out set: {tmp_path / 'absent.jsonl'} does not exist" in capsys.readouterr().out


def test_a_lone_letter_or_a_complaint_is_an_opt_out_only_when_said_to_the_account():
    for text in ("T", "天天发广告烦死了"):
        assert READER.read(text, private=True).optout
        assert not READER.read(text).wants_out  # in a group it is about other members' posts


def test_autonomous_prefectures_as_people_say_them():
    assert (READER.read("凉山州的彝族妹子报到").hometown.city, READER.read("东莞虎门的").hometown.city) == (
        "凉山彝族自治州", "东莞市")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_read_without_failing(text):
    reading = READER.read(text)
    reading.intents()
    assert len(reading.text) <= 3000  # bounded: the layer reads at most MAX_CHARS characters


def test_a_hundred_thousand_characters_are_read_in_bounded_time():
    reading = READER.read("打卡" * 50_000)
    assert len(reading.text) <= 1000 * 3 and reading.checkin


def test_an_operator_adds_a_phrase_in_the_playbook(tmp_path):
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["language"] = {"checkin": {"words": ["交卷"]}, "place_aliases": {"天府": "四川"}}
    reader = Reader.with_additions(data["language"])
    assert reader.read("交卷！").checkin and not READER.read("交卷！").checkin
    assert reader.read("我来自天府").hometown.province == "四川省"


@pytest.mark.parametrize("language, problem", [
    ({"checkin": {"wordz": ["x"]}}, "language.checkin.wordz: unknown key"),
    ({"checkin": {"words": [""]}}, "language.checkin.words: '' must be a non-blank word"),
    ({"place_aliases": {"天府": "火星"}}, "language.place_aliases.天府: '火星' is not a place name we know"),
    ({"typos": ["打咔"]}, "language.typos: must be a mapping"),
])
def test_check_names_a_bad_phrase_list(tmp_path, language, problem):
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["language"] = language
    bad = tmp_path / "pb.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlaybookError) as err:
        load_playbook(bad)
    assert f"{bad}: language: " in str(err.value) and problem in str(err.value)


def test_old_keyword_settings_say_where_they_moved(tmp_path):
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["settings"]["checkin_keywords"] = ["打卡"]
    bad = tmp_path / "pb.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlaybookError, match="settings.checkin_keywords has moved"):
        load_playbook(bad)


# -- the rituals read through the layer ---------------------------------------------------------


def town(chat, member):
    t = chat.store.hometowns.of(ROOM).get(member)
    return (t["province"], t["city"]) if t else None


def test_hometowns_in_greetings_districts_and_corrections(chat):
    chat.start_course("alice", "bob", "carol", "dave", "erin")
    chat.say("alice", "大家好，我来自四川成都🌶")
    chat.say("bob", "我来自北京朝阳区")
    chat.say("carol", "老家山东青岛，现在在北京工作")
    chat.say("dave", "我是北京大学毕业的")
    chat.say("erin", "浙江杭州的小伙伴报到！")
    assert town(chat, "alice") == ("四川省", "成都市")
    assert town(chat, "bob") == ("北京市", "北京市")
    assert town(chat, "carol") == ("山东省", "青岛市")
    assert town(chat, "dave") is None
    assert town(chat, "erin") == ("浙江省", "杭州市")

    chat.say("alice", "明天去上海出差")  # a place in chat: no change
    chat.say("alice", "我是四川人，在重庆工作")  # a later mention without a correction cue never overwrites
    assert town(chat, "alice") == ("四川省", "成都市")
    chat.say("alice", "更正一下，家乡是江苏苏州")
    assert town(chat, "alice") == ("江苏省", "苏州市")


def test_a_late_joiner_checks_in_their_hometown_on_day_three(chat):
    chat.start_course("alice")
    chat.until("2026-12-03 10:00")
    chat.join("zoe")
    chat.say("zoe", "补个家乡签到：江苏南通")
    assert town(chat, "zoe") == ("江苏省", "南通市")


def test_a_reply_to_the_bots_post_and_a_cantonese_correction(chat):
    chat.start_course("alice", "bob")
    chat.say("alice", "「小助手：欢迎新同学！请回复你的家乡（省+市），例：江苏苏州」\n- - - - - - - - - - - - - - -\n湖南衡阳")
    chat.say("bob", "我屋企係廣東中山嘅")
    assert town(chat, "alice") == ("湖南省", "衡阳市")  # not the example in the quoted post
    chat.say("bob", "更正一下，我屋企係廣東江門嘅，唔係中山")
    assert town(chat, "bob") == ("广东省", "江门市")


def test_excuses_plans_and_questions_are_not_check_ins(chat):
    chat.start_course("alice", "bob", "carol")
    for text in ("今天没时间打卡了，明天补上", "打卡在哪里打", "周末去了个网红打卡地", "还没打卡", "晚点再打卡", "👍"):
        chat.say("alice", text)
    chat.say("bob", "Day1打卡✅")
    chat.say("carol", "✅")
    assert chat.store.checkins.done_on(ROOM, 1) == {"bob", "carol"}


def test_practice_said_many_ways_and_not_when_it_is_not_done(chat):
    chat.start_course("alice", "bob", "carol")
    chat.say("alice", "实操完成不了")
    chat.say("alice", "实操怎么做？")
    chat.say("bob", "今天的实操做完了")
    chat.say("carol", "实操：已开户并买入100元指数基金")
    assert chat.store.practice.done_on(ROOM, 1) == {"bob", "carol"}


def test_practice_done_after_all_counts_and_a_rule_or_a_rumour_does_not(chat):
    chat.start_course("alice", "bob", "carol")
    chat.say("alice", "助教说实操完成可以领红包，是真的吗")
    chat.say("alice", "实操完成就可以领红包")
    chat.say("bob", "今天这个实操对我们老年人来说有点难，不过在孙女帮助下还是做完了")
    chat.say("carol", "跟着老师一步一步操作 终于买上了沪深300")
    assert chat.store.practice.done_on(ROOM, 1) == {"bob", "carol"}


def test_the_task_itself_said_done_is_practice_and_a_purchase_chatted_about_is_not(chat):
    chat.start_course("alice", "bob", "carol", "dave")
    chat.say("alice", "我买了一只白酒基金，跌得我心慌")
    chat.say("alice", "去年我就买过货币基金了")
    chat.say("alice", "开户开了半天没开成")
    chat.say("bob", "开了户，买了10块的货基，显示确认中")
    chat.say("carol", "开户那一步卡了半天，最后还是弄好了")
    chat.say("dave", "老师的截图在群里，大家照着做")
    assert chat.store.practice.done_on(ROOM, 1) == {"bob", "carol"}


def test_a_completion_just_before_midnight_is_acknowledged_with_its_day(chat):
    chat.start_course("alice")
    chat.until("2026-12-01 23:59")
    chat.said()
    chat.say("alice", "实操搞定✌️")  # day 1, acknowledged after midnight (day 2)
    chat.until("2026-12-02 00:05")
    said = chat.said()
    assert any("实操已完成：alice（第1天）" in t for t in said), said


def test_graduation_said_before_the_ceremony_is_answered_once_when_it_opens(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-07 19:00")
    chat.said()
    chat.say("alice", "我毕业了！")
    chat.say("alice", "我毕业拉")
    assert chat.store.graduates.of(ROOM) == []
    chat.until("2026-12-07 20:31")
    said = chat.said_out()
    early = [o for o in said if "之前提前说了「我毕业啦」" in o.text]
    assert len(early) == 1 and early[0].mentions == ("alice",)
    chat.say("alice", "我毕业拉🎓")
    chat.say("bob", "毕业啦毕业啦🎉")
    assert set(chat.store.graduates.of(ROOM)) == {"alice", "bob"}
    chat.until("2026-12-07 23:00")
    assert not any("之前提前说了" in t for t in chat.said())  # said once


def test_a_natural_sentence_opts_out_and_a_question_about_it_does_not(chat):
    chat.say("alice", "退订了还能上课吗？", room=None)
    assert not chat.store.funnel.opted_out("alice")
    chat.say("alice", "不要再给我发优惠信息了", room=None)
    assert chat.store.funnel.opted_out("alice")
    assert any("退订" in t for t in chat.said())


def test_a_long_message_is_folded_only_as_far_as_the_inbox_lets_text_in():
    """Reading a 100,000-character message folds what moderation can judge (all a member's text can be), no more."""
    from bot.core.events import MAX_TEXT_CHARS
    from bot.language.normalize import FOLD_CHARS

    assert FOLD_CHARS >= MAX_TEXT_CHARS  # moderation still sees every character the inbox keeps
    reading = Reader.with_additions().read("打卡✅ " * 25_000)
    assert len(reading.folded) == FOLD_CHARS and "checkin" in reading.intents()


def test_in_a_group_ordinary_chat_is_let_go_early_and_no_opt_out_is_lost(monkeypatch):
    """The letters test that lets ordinary group chat go before the opt-out reading changes no group reading: every
    corpus text reads the same in a group with it as without it (a member saying 退订 in the group is still hinted)."""
    texts = sorted({json.loads(x)["text"] for x in (CORPUS / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
                    if x.strip()})
    quick = Reader.with_additions()
    with_test = [quick.read(t).wants_out for t in texts]
    assert READER.read("退订", private=False).wants_out and not quick.optouts._may_say_stop("老师好")
    monkeypatch.setattr(type(quick.optouts), "_may_say_stop", lambda self, text: True)
    full = Reader.with_additions()
    assert [full.read(t).wants_out for t in texts] == with_test
    assert sum(with_test) > 1000  # the corpus says it in groups often enough to mean something
