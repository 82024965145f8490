"""Outlets' furniture (site names, media tags, bylines, prompts) is off the compared text, and a
headline said again as the other outlet's first sentence counts for a join."""

from __future__ import annotations

import pytest

from postbot.cluster import fingerprint as cluster
from postbot.cluster.boilerplate import clean_summary, clean_title
from postbot.cluster.data import idf_table
from postbot.cluster.fingerprint import explain, same_story

IDF = idf_table()


def fingerprint(title: str, summary: str) -> cluster.Fingerprint:
    return cluster.fingerprint(title, summary, idf=IDF)


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        (
            "روحاني: إيران تجاوزت المرحلة الصعبة من تفشي وباء كورونا – S A N A",
            "روحاني: إيران تجاوزت المرحلة الصعبة من تفشي وباء كورونا",
        ),
        (
            "الصحة العالمية تدرس تقارير إصابة متعافين من كورونا مجددا — النهار أونلاين",
            "الصحة العالمية تدرس تقارير إصابة متعافين من كورونا مجددا",
        ),
        ("فيديو.. تامر أمين: شيرين عبدالوهاب حبيبتي", "تامر أمين: شيرين عبدالوهاب حبيبتي"),
        ("بالصور.. تحرير 93 مخالفة في حملة بالأقصر", "تحرير 93 مخالفة في حملة بالأقصر"),
        ("مصر- محافظ القليوبية يتابع غلق المحال العامة", "محافظ القليوبية يتابع غلق المحال العامة"),
        ("مصر-  فيديو .. زحام مروري أمام حديقة الأورمان", "زحام مروري أمام حديقة الأورمان"),
        # not furniture: a name with a dash inside, a figure after the dash, a short headline
        ("1.4 مليار جنيه صافى أرباح عودة - مصر بنهاية 2019", None),
        ("مقتل 3 جنود بهجوم قرب حديثة", None),
        ("حديثة- مقتل 3 جنود بهجوم لداعش", None),  # a town's dateline is kept
        ("فيديو.. انفجار", None),
    ],
)
def test_titles_lose_site_names_and_tags(title: str, clean: str | None) -> None:
    assert clean_title(title) == (clean if clean is not None else title)


@pytest.mark.parametrize(
    ("summary", "starts"),
    [
        ("اشترك لتصلك أهم الأخبار كشفت مباحث الدقهلية لغز العثور", "كشفت مباحث"),
        ("(MENAFN- Youm7) أكد طلعت يوسف المدير الفنى للاتحاد", "أكد طلعت"),
        ("كتبت- منال المصري: قال طارق فايد رئيس بنك القاهرة", "قال طارق"),
        ("كتب - يوسف عفيفي: تلقي محمد سعفان وزير القوي العاملة", "تلقي محمد"),
        ("كتب ترامب على تويتر: سنرد على الهجوم", "كتب ترامب"),  # news, not a byline
        (
            "أنا معجب بالشروق بالفعل، لا تظهر هذه الرسالة مرة أخرى سجّل إعجابك بصفحتنا على "
            "فيسبوك لتحصل على المزيد أعجبك الموضوع؟ أعلنت الفنانة إيمان العاصي تعافيها",
            "أعلنت الفنانة",
        ),
        ("قال قائد الشرطة: القبض على ثلاثة متهمين", "قال قائد الشرطة:"),  # a quote, no byline
    ],
)
def test_summaries_lose_prompts_tags_and_bylines(summary: str, starts: str) -> None:
    assert clean_summary(summary).startswith(starts)


def test_a_summary_that_is_only_a_disclaimer_is_empty() -> None:
    disclaimer = (
        'تعمل شركة "شبكة الشرق الأوسط وشمال أفريقيا للخدمات المالية" على توفير المعلومات "كما '
        'هي" دون أي تعهدات أو ضمانات... لأية استفسارات يرجى التواصل مع مزود المقال المذكور أعلاه.'
    )
    assert clean_summary(disclaimer) == ""


def test_furniture_alone_does_not_set_one_story_apart() -> None:
    story = (
        "مقتل 3 جنود بهجوم لداعش قرب حديثة غرب الأنبار",
        "قتل ثلاثة جنود عراقيين وأصيب اثنان بهجوم شنه عناصر من داعش على نقطة للجيش قرب حديثة.",
    )
    dressed = fingerprint(
        f"فيديو.. {story[0]} – S A N A", f"اشترك لتصلك أهم الأخبار كتب - أحمد علي: {story[1]}"
    )
    plain = fingerprint(*story)
    assert (dressed.title, dressed.words) == (plain.title, plain.words)
    assert same_story(dressed, plain)


def test_one_headline_said_as_the_other_lead_counts() -> None:
    a = (
        "إيمان العاصي تعلن تعافيها من فيروس كورونا",
        "نشرت الفنانة فيديو عبر حساباتها على مواقع التواصل. وأكدت أن الإصابة ليست عيبا.",
    )
    b = (
        "الفنانة إيمان العاصي تتحدث عن تجربتها مع المرض",
        "أعلنت الفنانة إيمان العاصي تعافيها من فيروس كورونا. وقالت إنها مستعدة للتبرع.",
    )
    found = explain(fingerprint(*a), fingerprint(*b))[1]
    assert found is not None and found.title_lead > 0.6
    other = ("إيمان العاصي تبدأ تصوير مسلسل جديد", b[1])
    apart = explain(fingerprint(*other), fingerprint(*b))[1]
    assert apart is None or apart.title_lead < found.title_lead
