"""People in a letter: inspectors in every printed shape, the signer and the addressee.

Phrases are short inventions with invented names in the shapes listed in docs/letter-anatomy.md.
"""

from __future__ import annotations

import pytest

from corpus.people import find_inspectors, find_recipient, find_signatory

OPENING = (
    "Dear Ms Fictional\nFocused visit to Someshire children's services\n"
    "This letter summarises the findings of the focused visit to Someshire children's services on 17 and 18 May "
    "2023. "
)


def visitors(sentence: str, visit_type: str | None = "Focused visit") -> list[str]:
    return find_inspectors(
        OPENING + sentence + "\nInspectors looked at the local authority's arrangements for "
        "care leavers.\nHeadline findings\nLeaders know their services well.",
        visit_type,
    )


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("His Majesty's Inspectors for this visit were Ann Fictional and Bob Madeup.", ["Ann Fictional", "Bob Madeup"]),
        (
            "Her Majesty’s Inspectors for this visit were Ann Fictional, Bob Madeup and Cy Invent.",
            ["Ann Fictional", "Bob Madeup", "Cy Invent"],
        ),
        ("His Majesty’s inspectors for this visit were Ann Fictional and Bob Madeup.", ["Ann Fictional", "Bob Madeup"]),
        (
            "The inspectors were Ann Fictional, Her Majesty's Inspector, and Bob Madeup, Her Majesty's Inspector.",
            ["Ann Fictional", "Bob Madeup"],
        ),
        ("The inspectors were Ann Fictional HMI and Bob Madeup HMI.", ["Ann Fictional", "Bob Madeup"]),
        ("The inspectors were Ann Fictional, HMI, and Bob Madeup, HMI.", ["Ann Fictional", "Bob Madeup"]),
        (
            "Her Majesty's Inspectors were Ann Fictional, Bob Madeup, Cy Invent, Di Notreal and Ed Pretend.",
            ["Ann Fictional", "Bob Madeup", "Cy Invent", "Di Notreal", "Ed Pretend"],
        ),
        (
            "The inspectors were Ann Fictional, Bob Madeup and Cy Invent, all of whom are Her Majesty's Inspectors.",
            ["Ann Fictional", "Bob Madeup", "Cy Invent"],
        ),
        (
            "The visit was conducted by Ann Fictional and Bob Madeup, two of Her Majesty's Inspectors.",
            ["Ann Fictional", "Bob Madeup"],
        ),
        (
            "The visit was carried out by Ann Fictional and Bob Madeup, two of Her Majesty's Inspectors.",
            ["Ann Fictional", "Bob Madeup"],
        ),
        (
            "The inspection was undertaken by Ann Fictional and Bob Madeup, Her Majesty's Inspectors.",
            ["Ann Fictional", "Bob Madeup"],
        ),
        (
            "The visit was carried out by Her Majesty's Inspectors, Ann Fictional and Bob Madeup.",
            ["Ann Fictional", "Bob Madeup"],
        ),
        (
            "The visit was carried out by Her Majesty's Inspector, Ann Fictional and "
            "Her Majesty's Inspector, Bob Madeup.",
            ["Ann Fictional", "Bob Madeup"],
        ),
        (
            "The visit was carried out by Her Majesty's Inspectors Ann Fictional and Bob Madeup.",
            ["Ann Fictional", "Bob Madeup"],
        ),
        (
            "The inspectors were Her Majesty's Inspectors (HMIs) Ann Fictional, Bob Madeup and Cy Invent.",
            ["Ann Fictional", "Bob Madeup", "Cy Invent"],
        ),
        (
            "The inspectors were Ann Fictional and Bob Madeup, both Her Majesty's Inspectors.",
            ["Ann Fictional", "Bob Madeup"],
        ),
    ],
)
def test_inspector_sentence_shapes(sentence: str, names: list[str]) -> None:
    assert visitors(sentence) == names


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        (
            "Her Majesty's Inspectors (HMI) for this visit were Ann Fictional and Bob Madeup, "
            "with Cy Invent, HMI designate.",
            ["Ann Fictional", "Bob Madeup", "Cy Invent"],
        ),
        (
            "Her Majesty's Inspectors for this visit were Ann Fictional, Bob Madeup and Cy Invent (HMI designate).",
            ["Ann Fictional", "Bob Madeup", "Cy Invent"],
        ),
        (
            "The inspectors were Ann Fictional, HMI, and Bob Madeup, HMI. The quality assurance manager was Cy Invent, "
            "Senior HMI.",
            ["Ann Fictional", "Bob Madeup", "Cy Invent"],
        ),
        (
            "His Majesty's Inspectors for this visit were Ann Fictional and Bob Madeup. Cy Invent, Her Majesty's "
            "Inspector (Designate), shadowed the visit.",
            ["Ann Fictional", "Bob Madeup", "Cy Invent"],
        ),
        (
            "His Majesty's Inspectors for this visit were Ann Fictional and Bob Madeup. His Majesty's Inspector "
            "(designate) Cy Invent shadowed this visit.",
            ["Ann Fictional", "Bob Madeup", "Cy Invent"],
        ),
        (
            "The inspectors were Ann Fictional, HMI, Bob Madeup, HMI, and Cy Invent, Ofsted Inspector.",
            ["Ann Fictional", "Bob Madeup", "Cy Invent"],
        ),
        (
            "The visit was led by lead inspector Ann Fictional and team inspector Bob Madeup.",
            ["Ann Fictional", "Bob Madeup"],
        ),
        (
            "Her Majesty's Inspectors for this visit were Ann Fictional, lead inspector, "
            "Bob Madeup, team inspector and "
            "Cy Invent, who observed the visit.",
            ["Ann Fictional", "Bob Madeup", "Cy Invent"],
        ),
        (
            "The inspectors were Ann Fictional, Bob Madeup and Cy Invent, Her Majesty's Inspectors (HMI) Social Care, "
            "and Di Notreal, HMI Schools.",
            ["Ann Fictional", "Bob Madeup", "Cy Invent", "Di Notreal"],
        ),
        (
            "The visit was carried out by Ann Fictional and Bob Madeup, "
            "all of whom are Her Majesty's Inspectors (HMI), "
            "and Cy Invent (HMI designate).",
            ["Ann Fictional", "Bob Madeup", "Cy Invent"],
        ),
    ],
)
def test_designates_shadows_and_quality_assurance_are_visitors(sentence: str, names: list[str]) -> None:
    assert visitors(sentence) == names


def test_accents_and_hyphens_are_kept_as_printed() -> None:
    assert visitors("The inspectors were Máire Ó Fictional, HMI, and Jenny-Ellen Madeup-Smith, HMI.") == [
        "Máire Ó Fictional",
        "Jenny-Ellen Madeup-Smith",
    ]
    assert visitors("His Majesty's Inspectors for this visit were Jenny-ellen Invent and Dara O’Notreal.") == [
        "Jenny-ellen Invent",
        "Dara O’Notreal",
    ]


def test_names_split_across_lines_read_whole() -> None:
    assert visitors("His Majesty’s Inspectors for this visit were Ann\nFictional and Bob Madeup-\nSmith.") == [
        "Ann Fictional",
        "Bob Madeup-Smith",
    ]
    # pypdfium2 marks a line-break hyphen as U+FFFE.
    assert visitors("Her Majesty’s Inspectors for this visit were Jenny\ufffeellen Invent and Bob Madeup.") == [
        "Jenny-ellen Invent",
        "Bob Madeup",
    ]


def test_sentence_without_a_full_stop_before_the_next_line() -> None:
    assert visitors("Her Majesty’s Inspectors for this visit were Ann Fictional and Bob Madeup") == [
        "Ann Fictional",
        "Bob Madeup",
    ]


def test_titles_are_dropped_and_names_deduplicated() -> None:
    assert visitors(
        "The inspectors were Dr Ann Fictional, HMI, and Ms Bob Madeup, HMI. The lead inspector was Ann Fictional."
    ) == ["Ann Fictional", "Bob Madeup"]


def test_the_lead_inspector_and_the_director_names_nobody() -> None:
    text = (
        "Dear Ms Fictional\nThis letter summarises the findings of the focused visit on 1 and 2 May 2019. "
        "The lead inspector and the director of children's services agreed arrangements for the visit.\n"
        "Inspectors looked at the arrangements for care leavers."
    )
    assert find_inspectors(text, "Focused visit") == []
    assert find_inspectors("", None) == []


def test_chief_inspector_preamble_is_not_a_visitor() -> None:
    text = (
        "Dear Mr Madeup\nHer Majesty’s Chief Inspector of Education, Children’s Services and Skills is leading "
        "Ofsted’s work into children's social care. This letter summarises the findings of a focused visit on 3 and 4 "
        "March 2021. Her Majesty’s Inspectors were Ann Fictional and Bob Madeup."
    )
    assert find_inspectors(text, "Focused visit") == ["Ann Fictional", "Bob Madeup"]


def test_annual_engagement_meeting_names_those_met_not_the_signer() -> None:
    text = (
        "Dear Ed\nThank you for meeting with Ann Fictional, Senior HMI, Bob Madeup HMI and me on\n16 July 2018 "
        "to provide an update on children's services.\nYours sincerely\nCy Invent\nRegional Director"
    )
    assert find_inspectors(text, "Annual engagement meeting") == ["Ann Fictional", "Bob Madeup"]
    assert find_signatory(text) == "Cy Invent"


@pytest.mark.parametrize(
    ("header", "names"),
    [
        ("Inspection dates: 6 to 17 December 2021\nLead inspector: Ann Fictional\nJudgement Grade", ["Ann Fictional"]),
        (
            "Inspection dates: 6 to 17 December 2021\n"
            "Lead inspector: Ann Fictional, His Majesty’s Inspector\nJudgement",
            ["Ann Fictional"],
        ),
        (
            "Inspection dates: 8 October 2018 to 19 October 2018\n"
            "Lead inspector: Ann Fictional Her Majesty's Inspector\n"
            "Judgement Grade",
            ["Ann Fictional"],
        ),
        (
            "Inspection dates: 4 to 15 February 2019\nLead inspector: Ann Fictional HMI.\nJudgement Grade",
            ["Ann Fictional"],
        ),
        (
            "Inspection dates: 3 to 14 October 2022\nLead inspectors: Ann Fictional, His Majesty’s Inspector, and Bob "
            "Madeup,\nHis Majesty’s Inspector\nJudgement Grade",
            ["Ann Fictional", "Bob Madeup"],
        ),
        (
            "The inspection team\nLead inspector: Ann Fictional HMI\nDeputy lead inspector: Bob Madeup HMI\n"
            "Team inspectors: Cy Invent, Di Notreal\nQuality assurance manager: Ed Pretend",
            ["Ann Fictional"],
        ),
        ("The inspection team\nLead inspector: Ann J Fictional\nTeam inspectors: Cy Invent", ["Ann J Fictional"]),
        (
            "Inspection dates: 8 – 12 July 2013\nReporting inspector Ann Fictional HMI\nAge group: All",
            ["Ann Fictional"],
        ),
    ],
)
def test_full_reports_give_their_lead_inspectors(header: str, names: list[str]) -> None:
    report = "Inspection of Someshire local authority children's services\n" + header + "\nFindings follow."
    assert find_inspectors(report, "Children's services inspection") == names


def test_report_mentioning_the_lead_inspector_in_prose_names_nobody() -> None:
    report = (
        "Inspection dates: 2 to 6 June 2025\nJudgement Grade\nLeaders met the lead inspector attended by Ann Fictional."
    )
    assert find_inspectors(report, "Children's services inspection") == []


def test_area_send_reports_give_the_ofsted_and_cqc_lead_inspectors() -> None:
    report = (
        "Area SEND inspection of Someshire Local Area Partnership\nInspection dates: 11 to 15 March 2024\n"
        "Findings follow.\nInspection team\nOfsted Care Quality Commission\n"
        "Ann Fictional, Ofsted HMI Lead inspector Bob Madeup, CQC Lead inspector\n"
        "Mr Cy Invent, Ofsted HMI Di Notreal, CQC inspector\n"
    )
    assert find_inspectors(report, "Area SEND inspection") == ["Ann Fictional", "Bob Madeup"]
    assert find_inspectors(report, None) == ["Ann Fictional", "Bob Madeup"]


LETTER = (
    "22 June 2023\nAnn Fictional\nExecutive Director of People\nCounty Hall\nSomewhere\nAB1 2CD\n"
    "Dear Ms Fictional\nFocused visit to Someshire children's services\n"
    "Ofsted will take the findings from this focused visit into account.\n"
    "Yours sincerely\nBob Madeup\nHis Majesty's Inspector\n"
)


def test_signatory_is_the_name_after_yours_sincerely() -> None:
    assert find_signatory(LETTER) == "Bob Madeup"
    assert find_signatory(LETTER.replace("Yours sincerely", "Your sincerely,")) == "Bob Madeup"
    assert find_signatory("Yours sincerely\nBob Madeup Her Majesty’s Inspector") == "Bob Madeup"
    assert find_signatory("Yours sincerely\nBob Madeup (Lead Inspector)\nHer Majesty’s Inspector") == "Bob Madeup"


def test_signatory_without_sign_off_is_read_above_the_closing_role() -> None:
    letter = "Dear Ann\nOfsted will take the findings into account.\nBob Madeup\nHer Majesty’s Inspector"
    assert find_signatory(letter) == "Bob Madeup"
    # Reports end with their team's roles but nobody signs them.
    assert find_signatory("The inspection team\nQuality assurance manager: Bob Madeup Her Majesty’s Inspector") is None
    assert find_signatory("A report with no signature at all.") is None


def test_recipient_is_the_header_name_without_title() -> None:
    assert find_recipient(LETTER) == "Ann Fictional"
    assert find_recipient(LETTER.replace("\nAnn Fictional\n", "\nMs Ann Fictional OBE\n")) == "Ann Fictional"
    assert find_recipient(LETTER.replace("\nAnn Fictional\nExecutive", "\nAnn Fictional, Executive")) == "Ann Fictional"


def test_joint_recipients_come_back_as_printed() -> None:
    letter = LETTER.replace("\nAnn Fictional\n", "\nAnn Fictional and Cy Invent\n")
    assert find_recipient(letter) == "Ann Fictional and Cy Invent"


def test_recipient_after_the_address_block() -> None:
    letter = "22 June 2023\nDirector of Children's Services\nMunicipal Buildings\nSomewhere\nAnn Fictional\nDear Ann\n"
    assert find_recipient(letter) == "Ann Fictional"


def test_salutation_alone_is_not_a_recipient() -> None:
    assert find_recipient("22 June 2023\nDirector of Children's Services\nDear Ms Fictional\nText.") is None
    assert find_recipient("Dear Ms Fictional\nText.") is None
    assert find_recipient("No letter here.") is None


def test_meeting_with_me_and_others() -> None:
    text = "Dear Ed\nThank you for meeting with me and Ann Fictional, Senior HMI, on 3 May 2019 to discuss progress."
    assert find_inspectors(text, "Annual engagement meeting") == ["Ann Fictional"]


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("The visit was led by Ann Fictional, HMI, supported by Bob Madeup, HMI.", ["Ann Fictional", "Bob Madeup"]),
        ("Ann Fictional HMI and Bob Madeup HMI carried out the visit.", ["Ann Fictional", "Bob Madeup"]),
        (
            "The inspectors were Ann Fictional and Bob Madeup. The visit was observed by Cy Invent.",
            ["Ann Fictional", "Bob Madeup", "Cy Invent"],
        ),
        ("Inspectors: Ann Fictional, HMI; Bob Madeup, HMI.", ["Ann Fictional", "Bob Madeup"]),
    ],
)
def test_less_common_visitor_shapes(sentence: str, names: list[str]) -> None:
    assert visitors(sentence, "Monitoring visit") == names


def test_visitors_named_after_the_findings_begin() -> None:
    text = (
        "Dear Ms Fictional\nMonitoring visit to Someshire children's services\n"
        "This letter summarises the findings of the third monitoring visit on 5 and 6 March 2017.\n"
        "Areas covered by the visit\nInspectors reviewed the progress made in planning for children in care. "
        "Support is led by the Director of Children's Services, Ed Pretend.\n"
        "The visit was carried out by Ann Fictional and Bob Madeup, Her Majesty's Inspectors.\n"
        "Yours sincerely\nAnn Fictional"
    )
    assert find_inspectors(text, "Monitoring visit") == ["Ann Fictional", "Bob Madeup"]


def test_letterhead_printed_inside_the_inspector_sentence() -> None:
    sentence = (
        "His Majesty's Inspectors for this visit were Ann\nOfsted\nPiccadilly Gate\nStore Street\nManchester\n"
        "M1 2WD\nT 0300 123 1231\nTextphone 0161 618 8524\nenquiries@ofsted.gov.uk\nwww.gov.uk/ofsted\n"
        "Fictional and Mary-Jane van der Madeup."
    )
    assert visitors(sentence) == ["Ann Fictional", "Mary-Jane van der Madeup"]


def test_send_table_with_roles_before_names() -> None:
    report = (
        "Area SEND inspection of Someshire Local Area Partnership\nInspection dates: 11 to 15 March 2024\n"
        "Inspection team\nOfsted lead inspector: Ann Fictional, HMI\nCQC lead inspector: Bob Madeup\n"
        "Team inspector: Cy Invent\n"
    )
    assert find_inspectors(report, "Area SEND inspection") == ["Ann Fictional", "Bob Madeup"]


def test_outcome_sent_as_a_letter_is_read_as_a_letter() -> None:
    letter = (
        "Dear Ms Fictional\nJoint local area SEND inspection in Someshire\nBetween 3 and 7 June 2019, Ofsted and the "
        "CQC inspected the local area. The inspection was led by Ann Fictional, one of Her Majesty's Inspectors.\n"
    )
    assert find_inspectors(letter, "Area SEND inspection") == ["Ann Fictional"]


def test_salutation_not_on_its_own_line() -> None:
    raw = "22 June 2023\nAnn Fictional\nDirector of Children's Services AB1 2CD Dear Ms Fictional Focused visit"
    assert find_recipient(raw) == "Ann Fictional"


def test_recipient_with_labelled_date_and_bracketed_role() -> None:
    letter = "Date: 22 June 2023\nAnn Fictional (Interim)\nDirector of Children's Services\nDear Ann\n"
    assert find_recipient(letter) == "Ann Fictional"
