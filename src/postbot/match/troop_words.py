"""Word lists for troop-count extraction (pure data, normalized once at import).

Each set answers one question `postbot.match.troops` asks about a word near a figure: does it
name personnel, make the figure a casualty/arrest/loss tally or a capacity, announce a change
of strength, or give a personnel word another sense (families, sports, schools)? Arabic sets
hold every clitic form («وقتل»، «لاعتقال»، «بالإضافة») so that a check is one set lookup.
"""

from __future__ import annotations

from postbot.match.normalize import normalize
from postbot.match.numbers import CLITICS


def norms(words: str) -> frozenset[str]:
    """The normalized forms of the space-separated `words`."""
    return frozenset(normalize(w) for w in words.split())


def with_clitics(words: frozenset[str]) -> frozenset[str]:
    """`words` with every attached clitic (و، ف، ب، ل، ال …) in front; Latin words as they are."""
    return frozenset(p + w for w in words for p in (CLITICS if not w.isascii() else ("",)))


# Nouns that count people under arms, after a figure («500 جندي») or named before it.
NOUNS = norms(
    "جندي جنديا جنديين جنديان جنود مجند مجندا مجندين مجندون عنصر عنصرا عنصرين عنصران عناصر"
    " مستشار مستشارا مستشارين مستشارون مستشاري مستشاران مدرب مدربا مدربين مدربون مدربي"
    " عسكري عسكريا عسكريين عسكريون مقاتل مقاتلا مقاتلين مقاتلون مقاتلي أفراد فرد فردا"
    " ضابط ضابطا ضباط ضابطين ضابطان مارينز مظلي مظليا مظليين مظليون منتسب منتسبا منتسبين منتسبي"
    " منتسبو مشاة"
)
# Experts count only as military ones: «50 خبيرا عسكريا».
EXPERTS = norms("خبير خبيرا خبراء خبيرين")
FORCES = norms("قوات القوات قواتها قواته قواتهم القوة قوة")
POSSESSABLE = norms("جنود عناصر مستشاري مدربي مقاتلي أفراد ضباط منتسبي قوات مجندي عسكريي")
POSSESSIVES = ("ها", "هم", "نا", "ه", "كم")
EN_NOUNS = norms(
    "troops soldiers soldier advisers adviser advisors advisor personnel marines marine forces"
    " fighters fighter trainers trainer servicemembers servicemember servicemen paratroopers"
    " commandos troopers officers recruits reservists peacekeepers sailors airmen instructors"
    " guardsmen"
)
# Lower-case words that may stand between an English figure and its noun ("3,000 coalition
# personnel"); capitalised words ("U.S.", "Iraqi") and hyphen-joined ones pass anyway.
EN_MODIFIERS = norms(
    "coalition allied combat special additional more extra active duty ground military foreign"
    " international western elite regular reserve national support new fresh armed naval army"
    " air navy security government regime rebel opposition militia border federal local us uk"
    " trained uniformed airborne infantry armored armoured mechanized staff noncombat frontline"
    " peacekeeping commando logistics medical female male young american british french german"
    " turkish russian iranian israeli iraqi syrian kurdish nato more fewer other further extra"
    " remaining deployed stationed serving u s"
)
# "members of the armed forces", "members of the coalition"
EN_MEMBER_OF = norms("forces military army navy coalition guard troops mission contingent")
# "40 fighter jets" are aircraft
EN_NOT_AFTER_FIGHTER = norms("jets jet planes aircraft bombers squadrons squadron")
# "An 800-strong battalion"
EN_STRONG_UNITS = norms(
    "force forces contingent battalion brigade unit army mission garrison detachment regiment"
    " division corps deployment task"
)

# A figure with one of these around it, in its clause, is not a deployment figure.
_CASUALTY_AR = norms(
    "قتل قتلت قتلوا يقتل مقتل مقتلهم قتيل قتيلا قتلى اغتيال مصرع مصرعهم مصرعه حتفهم حتفه"
    " لقوا لقي لقيا قضوا قضى سقطوا سقط سقوط حصيلة ضحايا ضحية جثث جثة جثامين رفات"
    " إصابة إصابات أصيب أصيبوا أصيبت مصاب مصابا مصابين مصابون جرح جرحى جريح جريحا جرحوا"
    " استشهاد استشهد استشهدوا شهيد شهداء فارق فارقوا فارقت إعدام أعدم أعدمت"
    " فقدان فقدت مفقود مفقودين مفقودا خسر خسرنا نخسر تخسر يخسر خسارة خسائر"
    " تشييع شيع شيعت دفن جنازة جنازات تقتل يقتلون تقتلون قتلهم أودى أودت بحياة حياة أرواح"
    " تسمم التسمم توفي توفوا توفيت وفاة غرق غرقوا غرقى اختفى اختفوا اختفاء فقدوا نجا نجوا"
    " ناجين الناجين"
)
_CAPTIVE_AR = norms(
    "أسر أسرت أسرى أسير أسيرا اعتقال اعتقل اعتقلت اعتقلوا معتقل معتقلا معتقلين اعتقالات"
    " توقيف أوقف أوقفت موقوفين خطف خطفت اختطاف اختطف مخطوفين مختطفين رهائن رهينة احتجاز احتجز"
    " محتجزين القبض تصفية مطلوب مطلوبين مطلوبا تحتجز يحتجز سجن سجون السجون استسلم استسلموا"
    " استسلام سلموا أنفسهم محكمة المحكمة محاكمة أحكام أحكاما بالسجن مدانين"
)
_CASUALTY_EN = norms(
    "killed kill kills killing wounded wounding injured injuring injuries dead death deaths died"
    " die dies dying captured capture arrested arrest detained kidnapped abducted hostage"
    " hostages captive captives prisoners prisoner casualties hurt missing executed slain"
    " fatalities lost lose losing losses toll bodies buried funeral funerals surrendered"
    " surrender prisons prison jail jailed custody lives freed infected infections sentenced"
    " convicted court trial charged drowned perished poisoned poisoning disappeared survived"
    " survivors martyred"
)
_CAPACITY = norms(
    "تتسع يتسع تسع يسع تستوعب يستوعب استيعاب إيواء سعة طاقة طاقتها الاستيعابية مجهز مجهزة"
    " مصمم مصممة قادر قادرة"
    " accommodate accommodates capacity"
)
# An aside between a figure and its predicate: «8 جنود، وهم من الفوج الثاني، قتلوا», "12 soldiers,
# who were on patrol, died".
ASIDES = with_clitics(norms("وهم وهن وهو الذين اللذين ممن بينهم منهم")) | norms(
    "who which all most both including among"
)
# A figure after «لـ»/"for" is a capacity when one of these heads its clause, however long the
# subject between them («تتسع القاعدة التي شيدها التحالف قرب الحبانية لـ 5000 جندي»).
CAPACITY = with_clitics(_CAPACITY | norms("تكفي يكفي كافية كاف")) | norms(
    "room space enough beds designed built"
)
CAPACITY_FOR = norms("ل for")
# "hold" and "house" are capacity only after a modal: "can hold", "able to house"
EN_CAPACITY_VERBS = norms("hold house sleep")
EN_MODALS = norms("can could to will would")
# A terrorist cell or a gang «من خمسة عناصر» is its membership, not a force.
_GROUPS = norms("خلية خلايا عصابة عصابات شبكة cell cells gang ring")
# Looked for on both sides of the figure.
NOT_DEPLOYMENT = with_clitics(_CASUALTY_AR | _CAPTIVE_AR) | _CASUALTY_EN
# Looked for before the figure only ("a camp that can hold 3,000 troops").
NOT_DEPLOYMENT_BEFORE = NOT_DEPLOYMENT | with_clitics(_CAPACITY | _GROUPS)
# A new clause starts here: what follows describes something else.
CLAUSE_STOPS = with_clitics(
    norms("بعد إثر عقب منذ لحماية لمواجهة بينما فيما حيث عندما لكن ردا")
) | norms("after following since while amid but because")

# «أفراد» of a family, coaches of a club or school: same words, not troops.
FAMILY = with_clitics(
    norms("أسرة أسر عائلة عائلات عوائل ذوي أطفال نساء مدني مدنيين مدنيون سكان نازحين نازحة")
) | norms("family families household households civilians children relatives residents")
SPORT_SCHOOL = with_clitics(
    norms(
        "نادي النادي أندية فريق الفريق منتخب المنتخب كرة رياضي رياضية الرياضة الرياضي السباحة"
        " اللياقة البدنية الدوري مدرسة مدارس المدارس المدرسة تعليم التربية جامعة الجامعة"
    )
) | norms("club clubs team teams school schools gym fitness football soccer sports swimming")
MILITARY_ADJ = norms("عسكري عسكريا عسكريين عسكريون العسكريين military")
FAMILY_SENSE = norms("أفراد فرد فردا members member")
COACH_SENSE = norms("مدرب مدربا مدربين مدربون مدربي trainers trainer instructors")

# A change of strength: «خفض عدد القوات من 3500 إلى 2500» is two figures, not a range.
CHANGE = with_clitics(
    norms(
        "خفض تخفيض يخفض تخفض خفضت يخفضون تقليص تقلص يقلص قلصت ستقلص تقليل يقلل سحب يسحب تسحب"
        " سحبت انسحاب رفع يرفع ترفع رفعت زيادة يزيد تزيد زاد زادت ارتفع ارتفاع يرتفع ترتفع"
        " ارتفعت انخفض انخفاض ينخفض تنخفض انخفضت تراجع يتراجع تراجعت تنخفض تقلص"
    )
) | norms(
    "cut cuts cutting reduce reduces reducing reduced reduction increase increases increasing"
    " increased raise raises raising raised boost drawdown withdraw withdrawal fall falls fell"
    " rise rises rose grow grew shrink shrinks drop drops dropped"
)

# "killed 12 people, including four soldiers": the count is part of the figure before it
SUBSET = with_clitics(norms("بينهم بينها منهم منها ضمنهم")) | norms("including among")

# «مقابل 1200 عنصر», "compared with 1,200 fighters": the figure shares the earlier predicate
COMPARE = with_clitics(norms("مقابل مقارنة")) | norms("compared versus against vs")

# Count nouns named before the figure: «عدد الجنود … 600», «حجم القوة … 900».
COUNT_HEADS = with_clitics(norms("عدد تعداد قوام حجم"))
# The same with a pronoun pointing back at a personnel noun: «التي لا يتجاوز عددها 250».
COUNT_PRONOUNS = with_clitics(
    norms("عددهم عددها عدده تعدادهم تعدادها قوامها قوامهم قوامه")
) | norms("numbering numbered totaling totalling")
EN_TROOP_MEASURES = norms("level levels presence numbers strength count")
EN_MEASURED = norms("troop force")
# "the number 2,000", "a total number …": "number" after these is a noun, elsewhere a verb
EN_DETERMINERS = norms(
    "the a an this that its their his her our your same total overall exact phone serial"
    " any no what whose"
)
# A figure right after these names a unit or a road, not a head count: «الفرقة 16», "Highway 1".
DESIGNATIONS = with_clitics(
    norms("الفرقة اللواء الفوج الكتيبة السرية الفيلق المادة القرار رقم الطريق")
) | norms("division brigade battalion regiment corps highway route resolution article no number")

# After a figure named by an anaphor or ellipsis («و900 في سوريا», «30 آخرين»).
OTHERS = norms("آخرين آخرون اخرين أخرى others more additional another")
ALSO = (
    norms("فضلا علاوة إضافة بالإضافة plus besides down up peak high from")
    # "leaving 2,500 behind", «تاركة 500»: what a withdrawal keeps in place
    | with_clitics(norms("تاركة تاركا تاركين مبقية مبقيا ليبقى ليبقي يبقى يبقي تبقى تبقي"))
    | norms("leaving leave keeping keep retaining retain remain remaining")
    # "an additional 1,500 troops, including 200 to Syria": a share of the count before
    | with_clitics(norms("منهم منها بينهم بينها"))
    | norms("including")
    # "bringing the total to 40,000", «ليرتفع المجموع إلى 40 ألفا»
    | with_clitics(norms("الإجمالي المجموع مجموع إجمالي"))
    | norms("total")
)
# "another 2,500 are in Iraq": the word before the figure points back to the noun
OTHERS_BEFORE = norms("another additional further")
# "3 soldiers were wounded, while 400 others remained at the base": after a casualty tally an
# elliptical figure names troops only with one of these.
PRESENCE = with_clitics(
    norms(
        "بقي بقيت يبقى تبقى باقون باقين ظل ظلوا لايزالون مايزالون منتشرون منتشرين متمركزون"
        " متمركزين يتمركزون ينتشرون موجودون موجودين متواجدون متواجدين يخدمون يعملون نشر انتشار"
    )
) | norms(
    "remain remained remains remaining stay stayed stays stationed deployed based serving serve"
    " present"
)
# "leaving 2,500 behind"
LEFT_BEHIND = norms("behind فقط")
IN_PLACE = norms("في in at")
PERCENT = norms("المئة المائة مئة مائة percent")
PLACE_PREPOSITIONS = norms("في داخل ضمن قرب على عند بـ in at on inside across near to")
# Nouns after a figure that make it something other than a head count of the named troops.
OTHER_UNITS = with_clitics(
    norms(
        "شخص أشخاص مدني مدنيين مواطن مواطنين أسرة عائلة نازح نازحين لاجئ دولار دينار يورو ليرة"
        " ريال مليار كيلومتر كم متر طن يوم أيام ساعة عام سنة شهر أشهر دبابة طائرة صاروخ قذيفة"
        " سنوات أعوام شهور أسبوع أسابيع ساعات دقيقة دقائق"
    )
) | norms(
    "people civilians residents dollars euros km miles years days months weeks hours tanks"
    " aircraft planes missiles percent"
)
# Model numbers: «إف-16», "F-16", "T-72" are aircraft and tanks, not a count.
MODEL_PREFIXES = norms("إف اف تي سو ميغ ميج إم بي سي")

# What may follow a figure whose noun was named elsewhere («عدد الجنود … 600 بحلول …»): a
# preposition, an adverb, a verb or the clause end. A noun there («في 12 محافظة») is what the
# figure counts instead.
FOLLOW_BARE = (
    with_clitics(
        norms(
            "في على من إلى الى حتى عن مع خلال بحلول قبل بعد منذ داخل ضمن عند فقط تقريبا حاليا"
            " الآن حاليا عنصر جندي كما وفق بينهم منهم باقون باقين موجودون موجودين متواجدون"
            " متواجدين منتشرون منتشرين متمركزون متمركزين"
        )
    )
    | OTHERS
    | norms(
        "by in at on after before this next last under will would could should may might is are"
        " behind for over through throughout"
        " was were be and or as from to with across since when according until currently now"
        " only inside still remain remained stay stayed left there here"
    )
)
# Arabic verb prefixes: future «سـ», present «يـ/تـ/نـ», and particles (لا، لن، لم، قد، كان).
VERB_STARTS = ("سي", "ست", "سن", "ي", "ت", "ن", "لا", "لن", "لم", "قد", "كان", "ما")

# Units a pronoun or "numbering" may count: "the contingent, numbering about 300", «كتيبة قوامها
# 800».
UNITS = with_clitics(norms("كتيبة لواء فوج سرية وحدة بعثة قوة")) | EN_STRONG_UNITS
