"""What a document concludes, read from short invented texts in each shape the real letters and reports print.

Authorities are real, people and wording invented; the real documents are checked in test_findings_handchecked.py.
"""

from __future__ import annotations

from itertools import pairwise

import pytest

from corpus.findings import find_findings
from corpus.metadata import extract_metadata

INSPECTION = "Children's services inspection"
SEND = "Area SEND inspection"
FOCUSED = "Focused visit"
MONITORING = "Monitoring visit"


def ilacs(table: str, body: str = "") -> str:
    return (
        "Inspection of Anyshire local authority children’s services\n\nInspection dates: 2 to 13 May 2022\n\n"
        f"Lead inspector: Pat Invented, His Majesty’s Inspector\n\nJudgement Grade\n\n{table}\n\n"
        "Children in Anyshire mostly get the help they need when they need it, from workers who know them well and "
        "who are supported by leaders with a clear understanding of what is working and what needs to be better.\n\n"
        f"{body}"
    )


COMBINED_TABLE = """The impact of leaders on social work practice with children and families

Good

The experiences and progress of children who need help and protection

Requires improvement to be good

The experiences and progress of children in care and care leavers

Outstanding

Overall effectiveness Good"""


def test_an_ilacs_table_split_over_two_lines_gives_each_judgement_and_the_combined_row_is_children_in_care():
    found = find_findings(ilacs(COMBINED_TABLE), INSPECTION, "2022-05-02")
    assert found["framework"] == "ILACS"
    assert found["judgements"] == {
        "overall_effectiveness": "Good",
        "impact_of_leaders": "Good",
        "help_and_protection": "Requires improvement",
        "children_in_care": "Outstanding",
    }


def test_rows_with_the_grade_on_the_same_line():
    table = (
        "The impact of leaders on social work practice with children and families Inadequate\n\n"
        "The experiences and progress of children who need help and protection Requires improvement\n\n"
        "The experiences and progress of children in care and care leavers Good\n\nOverall effectiveness Inadequate"
    )
    assert find_findings(ilacs(table), INSPECTION, "2019-01-07")["judgements"] == {
        "overall_effectiveness": "Inadequate",
        "impact_of_leaders": "Inadequate",
        "help_and_protection": "Requires improvement",
        "children_in_care": "Good",
    }


def test_from_2023_children_in_care_and_care_leavers_are_two_rows_even_with_words_missing():
    table = (
        "The impact of leaders on social work practice with children and families\n\nOutstanding\n\n"
        "The experiences and progress of children who need help and protection\n\nGood\n\n"
        "The experiences and progress of children in care\n\nGood\n\n"
        "The experiences and progress of children care leavers\n\nRequires improvement to be good\n\n"
        "Overall effectiveness Good"
    )
    judgements = find_findings(ilacs(table), INSPECTION, "2024-03-04")["judgements"]
    assert judgements["children_in_care"] == "Good"
    assert judgements["care_leavers"] == "Requires improvement"


def test_inspections_from_april_2026_have_no_overall_effectiveness_even_where_the_text_mentions_one():
    table = (
        "The impact of leaders on social work practice with children and families\n\nGood\n\n"
        "The experiences and progress of children who need help and protection\n\nGood\n\n"
        "The experiences and progress of children in care\n\nGood\n\n"
        "The experiences and progress of care leavers\n\nGood"
    )
    body = "At the last inspection the overall effectiveness judgement was requires improvement to be good.\n\n"
    later = find_findings(ilacs(table + "\n\nOverall effectiveness Good", body), INSPECTION, "2026-05-11")
    assert "overall_effectiveness" not in later["judgements"]
    assert later["judgements"]["care_leavers"] == "Good"
    # Published in 2026 about an inspection carried out before April: the judgement stands.
    earlier = find_findings(ilacs(table + "\n\nOverall effectiveness Good"), INSPECTION, "2026-01-12")
    assert earlier["judgements"]["overall_effectiveness"] == "Good"


def test_the_heading_that_repeats_a_judgement_agrees_or_the_judgement_is_left_out():
    agreeing = "The experiences and progress of children who need help and protection: requires improvement to be good"
    found = find_findings(ilacs(COMBINED_TABLE, agreeing + "\n\n1. Some text.\n"), INSPECTION, "2022-05-02")
    assert found["judgements"]["help_and_protection"] == "Requires improvement"
    disagreeing = "The experiences and progress of children who need help and protection: good"
    found = find_findings(ilacs(COMBINED_TABLE, disagreeing + "\n\n1. Some text.\n"), INSPECTION, "2022-05-02")
    assert "help_and_protection" not in found["judgements"]
    assert found["judgements"]["impact_of_leaders"] == "Good"


def test_headings_alone_give_the_judgements_a_garbled_table_lost():
    body = (
        "The experiences and progress of children in care: outstanding\n\n1. Children live in stable homes.\n\n"
        "The impact of leaders on social work practice with children and families: good\n\n2. Leaders know them.\n"
    )
    found = find_findings(ilacs("Judgements are set out below.", body), INSPECTION, "2023-10-02")
    assert found["judgements"] == {"impact_of_leaders": "Good", "children_in_care": "Outstanding"}


def test_ilacs_what_needs_to_improve_lists_its_bullets():
    body = (
        "What needs to improve?\n\n• The timeliness of assessments for disabled children.\n\n"
        "• The quality of supervision for personal advisers.\n\n"
        "The experiences and progress of children who need help and protection: requires improvement to be good\n\n"
        "1. Most children are seen promptly.\n"
    )
    found = find_findings(ilacs(COMBINED_TABLE, body), INSPECTION, "2022-05-02")
    assert found["improvements"] == [
        "The timeliness of assessments for disabled children.",
        "The quality of supervision for personal advisers.",
    ]


SIF = """Anytown Borough Council

Inspection of services for children in need of help and protection, children looked after and care leavers

and

Review of the effectiveness of the Local Safeguarding Children Board

Inspection date: 12 January 2015 – 3 February 2015

Report published: 20 March 2015

{headline}

1. Children who need help and protection Requires improvement

2. Children looked after and achieving permanence

Good

2.1 Adoption performance Not judged

2.2 Experiences and progress of care leavers Requires

improvement

3. Leadership, management and governance Requires improvement

Executive summary

Leaders have a clear plan, and the LSCB chair and leaders are good at holding partners to account.

Recommendations

1. Ensure that every child in need has a plan that says what will change.

2. Make sure that care leavers know their entitlements.

The Local Safeguarding Children Board (LSCB)

The Local Safeguarding Children Board is {lscb}

Executive summary

The board has made progress since the last review.
"""


def sif(headline: str = "Children’s services in Anytown require improvement to be good", lscb: str = "good") -> str:
    return SIF.format(headline=headline, lscb=lscb)


def test_a_sif_report_gives_its_headline_its_numbered_table_and_its_lscb_review():
    found = find_findings(sif(), INSPECTION, "2015-01-12")
    assert found["framework"] == "SIF"
    assert found["judgements"] == {
        "overall_effectiveness": "Requires improvement",
        "help_and_protection": "Requires improvement",
        "children_in_care": "Good",
        "care_leavers": "Requires improvement",
        "impact_of_leaders": "Requires improvement",
        "lscb": "Good",
    }
    assert found["improvements"] == [
        "Ensure that every child in need has a plan that says what will change.",
        "Make sure that care leavers know their entitlements.",
    ]


def test_not_judged_is_no_grade():
    assert "adoption" not in find_findings(sif(), INSPECTION, "2015-01-12")["judgements"]


def test_the_2014_headline_shapes():
    for headline, grade in (
        ("The overall judgement is requires improvement", "Requires improvement"),
        ("The overall judgement is that children’s services are inadequate", "Inadequate"),
        ("Children’s services in the Anytown Council area are good", "Good"),
    ):
        found = find_findings(sif(headline), INSPECTION, "2014-02-03")
        assert found["judgements"]["overall_effectiveness"] == grade, headline


def test_a_sentence_that_mentions_the_lscb_beside_a_grade_word_is_not_its_judgement():
    # The executive summary's "the LSCB chair and leaders are good" is not the board's judgement; "inadequate" is.
    assert find_findings(sif(lscb="inadequate"), INSPECTION, "2015-01-12")["judgements"]["lscb"] == "Inadequate"
    passing = sif().replace("The Local Safeguarding Children Board is good", "Training by the LSCB is good")
    assert "lscb" not in find_findings(passing, INSPECTION, "2015-01-12")["judgements"]


def test_an_lscb_judgement_with_its_grade_on_the_next_line_and_a_report_without_a_review():
    cut = sif().replace(
        "The Local Safeguarding Children Board is good",
        "The effectiveness of the Local Safeguarding Children Board (LSCB) requires\n\nimprovement",
    )
    assert find_findings(cut, INSPECTION, "2014-02-03")["judgements"]["lscb"] == "Requires improvement"
    reinspection = sif().split("The Local Safeguarding Children Board (LSCB)")[0]
    assert "lscb" not in find_findings(reinspection, INSPECTION, "2017-11-13")["judgements"]


def test_an_lscb_judgement_is_read_with_a_long_s_as_pythons_re_reads_it():
    # "ſ" (long s) is an "s" to re's IGNORECASE, though lower() keeps it apart.
    long_s = sif().replace("The Local Safeguarding Children Board is good", "The LſCB is good")
    assert find_findings(long_s, INSPECTION, "2015-01-12")["judgements"]["lscb"] == "Good"


def test_an_lscb_review_published_as_a_report_of_its_own():
    review = (
        "Anytown Safeguarding Children Board\n\nReview of the effectiveness of the Local Safeguarding Children Board"
        "\n\nInspection date: 15 June 2015 – 17 June 2015\n\nThe Local Safeguarding Children Board requires "
        "improvement\n\nThe board does not yet check the work of its partners well enough.\n"
    )
    found = find_findings(review, INSPECTION, "2015-06-15")
    assert found == {**found, "framework": "SIF", "judgements": {"lscb": "Requires improvement"}}


def send_report(outcome: str) -> str:
    return (
        "Area SEND inspection of Anyshire Local Area Partnership\n\nInspection dates: 4 to 8 March 2024\n\n"
        f"Inspection outcome\n\n{outcome}\n\nInformation about the local area partnership\n\n"
        "Anyshire has a new director.\n\nAreas for improvement\n\nLeaders should shorten waits for assessment.\n\n"
        "Leaders should publish a clearer local offer.\n\nLocal area partnership details\n"
    )


def test_the_three_outcomes_of_a_2023_framework_send_inspection():
    for outcome, expected in (
        ("The local area partnership’s arrangements typically lead to positive experiences and outcomes for "
         "children and young people with SEND.", "positive"),
        ("The local area partnership’s arrangements lead to inconsistent experiences and outcomes for children "
         "and young people with SEND.", "inconsistent"),
        ("There are widespread and/or systemic failings leading to significant concerns about the experiences "
         "and outcomes of children and young people with SEND.", "systemic failings"),
    ):
        found = find_findings(send_report(outcome), SEND, "2024-03-04")
        assert (found["framework"], found["send_outcome"]) == ("SEND 2023", expected)
        assert "wsoa" not in found
    found = find_findings(send_report("The outcome is set out later."), SEND, "2024-03-04")
    assert "send_outcome" not in found


def send_2016_letter(conclusion: str, title: str = "Joint local area SEND inspection in Anyshire") -> str:
    return (
        "12 June 2018\n\nDear Ms Example\n\n"
        f"{title}\n\nBetween 7 and 11 May 2018, Ofsted and the Care Quality Commission (CQC) conducted a joint "
        "inspection of the local area of Anyshire to judge the effectiveness of the area in implementing the "
        "special educational needs and disability reforms.\n\nMain findings\n\n• Leaders know the area well.\n\n"
        f"{conclusion}\n\nYours sincerely\n\nAl Madeup\n\nHer Majesty’s Inspector\n"
    )


def test_a_2016_framework_send_letter_says_whether_a_written_statement_of_action_is_required():
    required = send_2016_letter(
        "As a result of the findings of this inspection, Her Majesty’s Chief Inspector (HMCI) has determined "
        "that a Written Statement of Action (WSOA) is required because of significant areas of weakness."
    )
    found = find_findings(required, SEND, "2018-05-07")
    assert (found["framework"], found["wsoa"]) == ("SEND 2016", True)
    assert "send_outcome" not in found
    not_required = find_findings(send_2016_letter("Leaders have a clear plan."), SEND, "2018-05-07")
    assert not_required["wsoa"] is False
    revisit = send_2016_letter("Progress has been made.", title="Joint local area SEND revisit in Anyshire")
    assert "wsoa" not in find_findings(revisit, SEND, "2019-05-07")


def focused(body: str, focus: str = "Inspectors looked at the local authority’s arrangements for care leavers.") -> str:
    return (
        "3 March 2023\n\nSam Placeholder\n\nDirector of Children’s Services\n\nAnyshire County Council\n\n"
        "Dear Sam\n\nFocused visit to Anyshire children’s services\n\nThis letter summarises the findings of the "
        "focused visit to Anyshire children’s services on 1 and 2 February 2023. His Majesty’s Inspectors for this "
        f"visit were Jo Inventa and Kit Madeup.\n\n{focus}\n\nHeadline findings\n\nCare leavers are well supported.\n\n"
        f"{body}\n\nOfsted will take the findings from this focused visit into account when planning the next "
        "inspection or visit.\n\nYours sincerely\n\nJo Inventa\n\nHis Majesty’s Inspector\n"
    )


IMPROVE = (
    "What needs to improve in this area of social work practice?\n\n• The quality of pathway plans.\n\n"
    "• Support for care leavers who are not in education,\n\nemployment or training.\n\nMain findings\n\n"
    "• Personal advisers know young people well."
)


def test_what_needs_to_improve_bullets_a_bullet_broken_by_a_page_is_one_item():
    found = find_findings(focused(IMPROVE), FOCUSED, "2023-02-01")
    assert found["improvements"] == [
        "The quality of pathway plans.",
        "Support for care leavers who are not in education, employment or training.",
    ]
    assert found["priority_action"] is False


def test_a_letter_without_the_section_has_nothing_to_improve_and_says_so():
    found = extract_metadata(focused("Main findings\n\nAll is well."))
    assert found["improvements"].value == []
    assert found["priority_action"].value is False


def test_a_bullet_that_introduces_parts_keeps_them():
    body = (
        "What needs to improve in this area of social work practice\n\n• Children’s records, including:\n\n"
        "• the child’s plan\n\n• the reasons for decisions.\n\n• Letters before proceedings.\n\nFindings\n\n• Text."
    )
    assert find_findings(focused(body), FOCUSED, "2020-01-06")["improvements"] == [
        "Children’s records, including: the child’s plan the reasons for decisions.",
        "Letters before proceedings.",
    ]


def test_areas_for_priority_action_as_a_heading_or_a_sentence():
    heading = "Areas for priority action\n\n• The response to children at risk of harm.\n\n" + IMPROVE
    assert find_findings(focused(heading), FOCUSED, "2023-02-01")["priority_action"] is True
    sentence = IMPROVE + "\n\nWe have notified the Department for Education of the areas for priority action."
    assert find_findings(focused(sentence), FOCUSED, "2023-02-01")["priority_action"] is True
    none = "Areas for priority action\n\nThere are no priority actions following this focused visit.\n\n" + IMPROVE
    assert find_findings(focused(none), FOCUSED, "2023-02-01")["priority_action"] is False


@pytest.mark.parametrize("spelling", ["PRIORITY", "prıority", "PRİORITY"])
def test_a_priority_sentence_is_read_in_any_case_even_with_dotless_or_dotted_i(spelling: str) -> None:
    # Matching ignores case as Python's re does: "ı" and "İ" are an "i" to it, though lower() keeps them apart.
    sentence = IMPROVE + f"\n\nWe have notified the Department for Education of the areas for {spelling} action."
    assert find_findings(focused(sentence), FOCUSED, "2023-02-01")["priority_action"] is True


def test_priority_actions_in_a_plan_or_from_an_earlier_visit_are_not_this_visits():
    plan = "Main findings\n\nThe improvement plan sets out clear priority actions for each team.\n\n" + IMPROVE
    assert find_findings(focused(plan), FOCUSED, "2023-02-01")["priority_action"] is False
    earlier = "Main findings\n\nInspectors identified areas for priority action at the previous visit in 2021."
    assert find_findings(focused(earlier), MONITORING, "2023-02-01")["priority_action"] is False


def areas(clause: str) -> list[str]:
    return extract_metadata(focused(IMPROVE, clause))["focus_areas"].value


def test_focus_areas_from_the_arrangements_clause():
    said = "Inspectors looked at the local authority’s arrangements for"
    assert areas(f"{said} the ‘front door’.") == ["front door"]
    assert areas(f"{said} children in need and children subject to a child protection plan.") == [
        "children in need and child protection"
    ]
    assert areas(f"{said} the protection of vulnerable children from extra-familial risk.") == ["extra-familial risk"]
    assert areas(f"{said} planning and achieving permanence for children in care.") == ["permanence"]
    assert areas(f"{said} placement decision-making for older children in care.") == [
        "placement decisions for older children"
    ]
    assert areas(f"{said} care leavers aged 18 to 25.") == ["care leavers"]
    assert areas(f"{said} children in care and care leavers.") == ["children in care", "care leavers"]
    assert areas(f"{said} young carers who live in the county.") == ["other"]


def test_a_list_after_with_a_particular_focus_on_is_detail_not_more_areas():
    said = "Inspectors looked at the local authority’s arrangements for children in care"
    assert areas(f"{said}, with a particular focus on care leavers and permanence.") == ["children in care"]
    listed = f"{said}, with a particular focus on:\n\n• Decisions to come into care.\n\n• Disabled children in care."
    assert areas(listed) == ["children in care"]


def test_help_and_protection_specifically_the_front_door_is_the_front_door():
    clause = (
        "Inspectors looked at the local authority’s arrangements for children who need help and protection. "
        "Specifically, inspectors looked at the ‘front door’ arrangements for contacts and referrals."
    )
    assert areas(clause) == ["front door"]
    alone = "Inspectors looked at the local authority’s arrangements for children who need help and protection."
    assert areas(alone) == ["children in need and child protection"]


def test_the_covid_visits_in_line_with_the_ilacs_framework():
    clause = (
        "The methodology for this visit was in line with the inspection of local authority children’s services "
        "(ILACS) framework. However, the delivery model was adapted to reflect the COVID-19 context. This visit "
        "looked at the quality and impact of key decision-making across help and protection and children in care."
    )
    assert areas(clause) == ["covid-19"]


def test_reports_have_no_priority_action_or_focus_and_letters_no_judgements():
    report = find_findings(ilacs(COMBINED_TABLE), INSPECTION, "2022-05-02")
    assert "priority_action" not in report and "focus_areas" not in report
    letter = find_findings(focused(IMPROVE), FOCUSED, "2023-02-01")
    assert not {"framework", "judgements", "send_outcome", "wsoa"} & set(letter)


def test_sections_name_each_heading_and_the_range_of_its_text():
    text = focused(IMPROVE)
    sections = find_findings(text, FOCUSED, "2023-02-01")["sections"]
    headings = [section["heading"] for section in sections]
    assert headings == [
        "Focused visit to Anyshire children’s services",
        "Headline findings",
        "What needs to improve in this area of social work practice?",
        "Main findings",
    ]
    improve = sections[2]
    assert text[improve["start"] : improve["end"]].startswith(improve["heading"])
    assert "pathway plans" in text[improve["start"] : improve["end"]]
    assert "Personal advisers" not in text[improve["start"] : improve["end"]]
    assert all(a["end"] == b["start"] for a, b in pairwise(sections))


def test_fictional_sample_letters_state_their_findings_in_the_shapes_extraction_reads():
    from corpus.sample import generate_letters

    fields = ("framework", "judgements", "send_outcome", "wsoa", "priority_action", "improvements", "focus_areas")
    seen = {field: set() for field in fields}
    for letter in generate_letters(400, seed=8):
        found = extract_metadata(letter.text)
        for field in fields:
            recorded = letter.get(field)
            assert (found[field].value if field in found else None) == recorded, (letter.id, field)
            if recorded is not None:
                seen[field].add(repr(recorded) if field != "judgements" else tuple(sorted(recorded)))
    # Every kind of finding is there for demos and benchmarks: judgement tables of both frameworks (with and
    # without care leavers, the LSCB and overall effectiveness), outcomes, priority actions and focus areas.
    assert {"'ILACS'", "'SIF'", "'SEND 2023'"} <= seen["framework"]
    assert any("lscb" in keys for keys in seen["judgements"])
    assert any("care_leavers" in keys and "adoption" not in keys for keys in seen["judgements"])
    assert len(seen["send_outcome"]) == 3
    assert {"True", "False"} <= seen["priority_action"]
    assert len(seen["focus_areas"]) >= 7


def test_a_table_whose_columns_came_apart_gives_no_judgement_rather_than_a_wrong_one():
    labels_then_grades = (
        "The impact of leaders on social work practice with children and families\n\n"
        "The experiences and progress of children who need help and protection\n\n"
        "The experiences and progress of children in care and care leavers\n\n"
        "Outstanding\n\nGood\n\nInadequate"
    )
    assert "judgements" not in find_findings(ilacs(labels_then_grades), INSPECTION, "2021-06-07")
    sif_apart = sif().replace(
        "1. Children who need help and protection Requires improvement",
        "1. Children who need help and protection",
    )
    judgements = find_findings(sif_apart, INSPECTION, "2015-01-12")["judgements"]
    assert not {"help_and_protection", "children_in_care", "impact_of_leaders"} & set(judgements)
