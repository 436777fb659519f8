"""Date parsing: every printed shape of a single date, a letter's own date and a visit's first and last day.

Phrases are short inventions in the shapes listed in docs/letter-anatomy.md, not passages of real letters.
"""

from __future__ import annotations

from datetime import date

import pytest

from corpus.dates import find_letter_date, find_visit_dates, normalise, parse_date


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("17 May 2023", date(2023, 5, 17)),
        ("18 Feb 2014", date(2014, 2, 18)),
        ("4 Sept 2019", date(2019, 9, 4)),
        ("12/09/2016", date(2016, 9, 12)),
        ("1 9 June 2019", date(2019, 6, 19)),
        ("Tuesday 17 May 2023", date(2023, 5, 17)),
        ("Wednesday, 3 March 2021", date(2021, 3, 3)),
        ("the 15 of May 2018", date(2018, 5, 15)),
        ("the 1st of April 2017", date(2017, 4, 1)),
        ("3rd\nOctober\n2024", date(2024, 10, 3)),
        ("Report published: 8 August 2014", date(2014, 8, 8)),
    ],
)
def test_parse_date_reads_every_printed_shape(printed: str, expected: date) -> None:
    assert parse_date(printed) == expected


def test_parse_date_without_year_needs_a_default() -> None:
    assert parse_date("on 30 January") is None
    assert parse_date("on 30 January", default_year=2020) == date(2020, 1, 30)


def test_parse_date_rejects_impossible_and_absent_dates() -> None:
    assert parse_date("31 February 2020") is None
    assert parse_date("no date in this sentence, only 2020 as a year") is None
    assert parse_date("") is None


def test_letter_date_is_the_dated_line_before_the_salutation() -> None:
    letter = (
        "14 March 2022\nAnn Fictional\nDirector of Children's Services\nSome Council\n"
        "Dear Ms Fictional\nFocused visit to Someshire children's services\n"
        "This letter summarises the findings of the focused visit on 1 and 2 February 2022.\n"
    )
    assert find_letter_date(letter) == date(2022, 3, 14)


def test_letter_date_found_when_raw_text_prints_the_header_after_the_salutation() -> None:
    raw = (
        "Dear Ms Fictional\nFocused visit to Someshire children's services\nfindings page one\n"
        "Ofsted\nPiccadilly Gate\n5 October 2024\nAnn Fictional\nDirector\n\fpage two"
    )
    assert find_letter_date(raw) == date(2024, 10, 5)


def test_report_date_is_its_stated_publication_date() -> None:
    report = "Inspection date: 6 July 2015 – 30 July 2015\nReport published: 19 October 2015\n"
    assert find_letter_date(report) == date(2015, 10, 19)
    assert find_letter_date("Inspection dates: 11 to 15 March 2024\nJudgement Grade\n") is None


LETTER_DATE = date(2021, 2, 10)


@pytest.mark.parametrize(
    ("sentence", "start", "end"),
    [
        (
            "the focused visit to Someshire children's services on 17 and 18 May 2023.",
            date(2023, 5, 17),
            date(2023, 5, 18),
        ),
        (
            "a focused visit to Someshire children's services on 13 October 2020.",
            date(2020, 10, 13),
            date(2020, 10, 13),
        ),
        ("the focused visit to Someshire on 28 to 29 May 2025.", date(2025, 5, 28), date(2025, 5, 29)),
        ("a focused visit to Someshire on 31 July and 1 August 2019.", date(2019, 7, 31), date(2019, 8, 1)),
        ("the focused visit to Someshire on 15, 16 and 21 July 2025.", date(2025, 7, 15), date(2025, 7, 21)),
        (
            "a focused visit to Someshire on 29 and 30 September, and 1 October 2020.",
            date(2020, 9, 29),
            date(2020, 10, 1),
        ),
        ("a focused visit to Someshire between 6 and 8 October 2020.", date(2020, 10, 6), date(2020, 10, 8)),
        (
            "a focused visit to Someshire between 20 October and 22 October 2020.",
            date(2020, 10, 20),
            date(2020, 10, 22),
        ),
        ("a focused visit to Someshire on 22–23 October 2019.", date(2019, 10, 22), date(2019, 10, 23)),
        ("a focused visit to Someshire on 27 June to 28 June 2023.", date(2023, 6, 27), date(2023, 6, 28)),
        ("a focused visit to Someshire on the 15 and 16 of May 2018.", date(2018, 5, 15), date(2018, 5, 16)),
        ("the visit to Someshire on Tuesday 17 May and Wednesday 18 May 2022.", date(2022, 5, 17), date(2022, 5, 18)),
        (
            "a focused visit on 23 and 24 February 2021 to Someshire children's services",
            date(2021, 2, 23),
            date(2021, 2, 24),
        ),
        (
            "the monitoring visit to Someshire, which took place on 5 and 6 March 2019.",
            date(2019, 3, 5),
            date(2019, 3, 6),
        ),
        (
            "Thank you for meeting with Ann Fictional, Senior HMI, Bob Madeup HMI and me on 16 July 2018 to talk.",
            date(2018, 7, 16),
            date(2018, 7, 16),
        ),
        ("Inspection dates: 6 to 17 December 2021", date(2021, 12, 6), date(2021, 12, 17)),
        (
            "Inspection date: 13 November 2017 to 24 November 2017 Report published: 19 January 2018",
            date(2017, 11, 13),
            date(2017, 11, 24),
        ),
        ("Inspection dates: 17 March to 21 March 2025", date(2025, 3, 17), date(2025, 3, 21)),
        ("Inspection date: 6 July 2015 – 30 July 2015", date(2015, 7, 6), date(2015, 7, 30)),
        ("Inspection dates: 8 – 12 July 2013 Reporting inspector", date(2013, 7, 8), date(2013, 7, 12)),
        ("Inspection date: 9–24 November 2017", date(2017, 11, 9), date(2017, 11, 24)),
        ("Inspection dates: 15-19 July 2013", date(2013, 7, 15), date(2013, 7, 19)),
        ("Inspection date: 20 June 2017 ─ 13 July 2017", date(2017, 6, 20), date(2017, 7, 13)),
        ("Inspection date: 12/09/2016 to 06/10/2016", date(2016, 9, 12), date(2016, 10, 6)),
        ("Inspection date: 18 Feb 2014 – 12 March 2014", date(2014, 2, 18), date(2014, 3, 12)),
        ("Inspection date: 14 January – 5 February 2014 The overall judgement", date(2014, 1, 14), date(2014, 2, 5)),
        ("Inspection dates: 1 9 June 2019 to 2 3 June 2019", date(2019, 6, 19), date(2019, 6, 23)),
        # Two periods joined by "and": the first start and the last end.
        (
            "Inspection dates: 19 November-11 December 2013 and 28 – 30 January 2014 The overall",
            date(2013, 11, 19),
            date(2014, 1, 30),
        ),
        ("Inspection dates: 29 December 2014 to 2 January 2015", date(2014, 12, 29), date(2015, 1, 2)),
        ("Inspection dates: 29 December to 2 January 2015", date(2014, 12, 29), date(2015, 1, 2)),
        (
            "Area SEND inspection of Someshire Local Area Partnership Inspection dates: 11 to 15 March 2024 "
            "Dates of previous inspection: 4 to 8 July 2016",
            date(2024, 3, 11),
            date(2024, 3, 15),
        ),
    ],
)
def test_visit_dates_in_every_printed_shape(sentence: str, start: date, end: date) -> None:
    assert find_visit_dates(sentence, LETTER_DATE) == (start, end)


def test_visit_sentence_split_over_lines_reads_whole() -> None:
    text = (
        "This letter summarises the findings of the focused visit to Someshire\n"
        "children's services on 17\nand 18 May\n2023. His Majesty's"
    )
    assert find_visit_dates(text) == (date(2023, 5, 17), date(2023, 5, 18))


def test_visit_without_year_takes_the_letter_year() -> None:
    sentence = "a focused visit to Someshire children's services on 30 and 31 January."
    assert find_visit_dates(sentence, date(2021, 2, 22)) == (date(2021, 1, 30), date(2021, 1, 31))


def test_visit_without_year_precedes_its_letter() -> None:
    sentence = "a focused visit to Someshire children's services on 8 and 9 December."
    assert find_visit_dates(sentence, date(2021, 1, 14)) == (date(2020, 12, 8), date(2020, 12, 9))


def test_visit_without_year_and_without_letter_date_is_unknown() -> None:
    assert find_visit_dates("a focused visit to Someshire children's services on 30 and 31 January.") is None


def test_end_a_year_late_is_a_typo_repaired_to_the_start_year() -> None:
    sentence = "the focused visit to Someshire children's services on 24 October 2022 to 25 October 2023."
    assert find_visit_dates(sentence) == (date(2022, 10, 24), date(2022, 10, 25))


def test_end_before_start_is_repaired_or_refused() -> None:
    assert find_visit_dates("Inspection dates: 30 December 2019 to 2 January 2019") == (
        date(2019, 12, 30),
        date(2020, 1, 2),
    )
    assert find_visit_dates("Inspection dates: 10 March 2020 to 2 January 2020") is None


def test_period_of_many_months_is_refused() -> None:
    assert find_visit_dates("Inspection dates: 3 January 2019 to 28 September 2019") is None


def test_letter_date_and_dates_in_findings_are_not_the_visit() -> None:
    letter = (
        "14 March 2022\nAnn Fictional\nDear Ms Fictional\n"
        "Since 1 April 2021 the service has grown. Audits in May 2021 improved."
    )
    assert find_visit_dates(letter, date(2022, 3, 14)) is None


def test_no_date_sentence_gives_none() -> None:
    assert find_visit_dates("") is None
    assert find_visit_dates("Inspection dates: to be confirmed") is None


def test_year_slip_is_repaired_towards_the_letter_date() -> None:
    # Printed a year apart; the letter a month later shows which year was mistyped.
    sentence = "the focused visit to Someshire children's services on 24 October 2022 to 25 October 2023."
    assert find_visit_dates(sentence, date(2023, 11, 28)) == (date(2023, 10, 24), date(2023, 10, 25))
    assert find_visit_dates(sentence, date(2022, 11, 28)) == (date(2022, 10, 24), date(2022, 10, 25))


def test_joint_inspection_opening_with_between() -> None:
    text = (
        "Joint targeted area inspection of the multi-agency response in Someshire\n"
        "Between 11 and 15 March 2019, Ofsted, the Care Quality Commission and HMI Probation inspected."
    )
    assert find_visit_dates(text) == (date(2019, 3, 11), date(2019, 3, 15))


def test_letter_date_line_may_carry_a_label() -> None:
    assert find_letter_date("Date: 5 March 2019\nAnn Fictional\nDear Ann\n") == date(2019, 3, 5)


def test_ordinals_printed_apart_and_letterhead_inside_the_sentence() -> None:
    assert find_visit_dates("Inspection dates: 8 th – 12 th July 2013") == (date(2013, 7, 8), date(2013, 7, 12))
    raw = (
        "the focused visit to Someshire children's services on 17 and 18\nOfsted\nPiccadilly Gate\nStore Street\n"
        "Manchester\nM1 2WD\nT 0300 123 1231\nTextphone 0161 618 8524\nenquiries@ofsted.gov.uk\nwww.gov.uk/ofsted\n"
        "May 2023. His Majesty's Inspectors"
    )
    assert find_visit_dates(raw) == (date(2023, 5, 17), date(2023, 5, 18))


def test_annual_engagement_meeting_date_after_thanks() -> None:
    text = "Dear Ed\nThank you for your time on 3 May 2019, when you met Ann Fictional, Senior HMI, and me."
    assert find_visit_dates(text) == (date(2019, 5, 3), date(2019, 5, 3))


def test_dates_of_an_earlier_inspection_or_publication_are_skipped() -> None:
    text = (
        "Dear Ms Fictional\nFollowing the inspection, published on 4 May 2018, this letter summarises the findings "
        "of the monitoring visit to Someshire on 5 and 6 March 2019."
    )
    assert find_visit_dates(text) == (date(2019, 3, 5), date(2019, 3, 6))
    previous = (
        "Dear Ms Fictional\nSince the previous inspection on 1 May 2017, things changed. "
        "The visit took place on 2 and 3 June 2019."
    )
    assert find_visit_dates(previous) == (date(2019, 6, 2), date(2019, 6, 3))


def test_header_dates_count_whatever_precedes_them() -> None:
    text = (
        "Inspection report for Someshire\nInspection dates: 3 to 7 June 2024\nDates of previous inspection: 1 May 2019"
    )
    assert find_visit_dates(text) == (date(2024, 6, 3), date(2024, 6, 7))


def test_an_abbreviation_with_a_full_stop_does_not_end_the_visit_sentence() -> None:
    sentence = "This letter reports a focused visit to St. Helens children’s services on 4 and 5 May 2023."
    assert find_visit_dates(sentence, date(2023, 6, 1)) == (date(2023, 5, 4), date(2023, 5, 5))


@pytest.mark.parametrize("gap", ["\n", "\n\n", "\n\n\n", "  ", " \n", "\t", "\u00a0", "\r\n", "\n\u2028\n"])
def test_normalised_text_is_one_line_with_one_space_for_any_whitespace_run(gap: str) -> None:
    assert normalise(f"Inspection{gap}dates:{gap}3 to 7{gap}March 2025") == "Inspection dates: 3 to 7 March 2025"
    assert normalise(f"{gap}Visit{gap}") == " Visit "
    assert find_visit_dates(f"Inspection{gap}dates:{gap}3{gap}to{gap}7 March{gap}2025") == (
        date(2025, 3, 3),
        date(2025, 3, 7),
    )
