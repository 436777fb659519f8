"""Metadata extraction from whole documents: each kind of letter and report, and what is left out when absent.

The documents are short inventions in the shapes of docs/letter-anatomy.md: real authorities, invented people.
"""

from __future__ import annotations

import pytest

from corpus.letters import FIELDS
from corpus.metadata import extract_metadata, visit_type_from_label
from corpus.visittypes import NAMES as VISIT_TYPES

FOCUSED_VISIT = """12 March 2024

Sam Placeholder
Director of Children’s Services
Rutland County Council
Catmose Lane
Oakham

Dear Sam

Focused visit to Rutland County Council children’s services

This letter summarises the findings of the focused visit to Rutland children’s services on 6 and 7 February 2024. \
His Majesty’s Inspectors for this visit were Jo Inventa and Kit Madeup.

Inspectors looked at the local authority’s arrangements for children in care, including disabled children in care.

This visit was carried out in line with the inspection of local authority children’s services (ILACS) framework.

Headline findings

Children in care in Rutland are well supported. Leaders share foster carer recruitment with Leicestershire.

Yours sincerely

Jo Inventa
His Majesty’s Inspector
"""

MONITORING_VISIT = """9 August 2019

Robin Sample
Director of Children’s Services
Torbay Council
Town Hall
Torquay

Dear Robin

Monitoring visit to Torbay children’s services

This letter summarises the findings of the third monitoring visit to Torbay children’s services on 3 and 4 July \
2019. The inspectors were Lee Fictional, Her Majesty’s Inspector, and Ash Notreal, Her Majesty’s Inspector.

Inspectors reviewed the progress made in the quality of help and protection for children since the last visit.

Yours sincerely

Lee Fictional
Her Majesty’s Inspector
"""

ANNUAL_ENGAGEMENT = """3 June 2019

Pat Example
Director of Children’s Services
Hartlepool Borough Council
Civic Centre
Hartlepool

Dear Pat

Thank you for meeting with Chris Pretend, Senior HMI, and me on 16 May 2019 to discuss progress in Hartlepool \
children’s services. Your partnership with Darlington continues to grow.

Yours sincerely

Morgan Imaginary
Regional Director, North East, Yorkshire and Humber
"""

ILACS_REPORT = """Inspection of Wokingham Borough Council local authority children’s services

Inspection dates: 6 to 17 March 2023

Lead inspector: Pat Invented, His Majesty’s Inspector

Judgement Grade

Overall effectiveness Good

Children in Wokingham receive help that is timely and proportionate.
"""

SIF_REPORT = """Swindon Borough Council

Inspection of services for children in need of help and protection, children looked after and care leavers

and

Review of the effectiveness of the Local Safeguarding Children Board

Inspection date: 12 January 2015 – 3 February 2015

Report published: 20 March 2015

Children’s services in Swindon require improvement to be good
"""

SEND_REPORT = """Area SEND inspection of Telford and Wrekin Local Area Partnership

Inspection dates: 10 to 14 July 2023

Dates of previous inspection: 5 to 9 March 2018

Inspection outcome

The local area partnership’s arrangements typically lead to positive experiences for children with SEND.
"""

JTAI_LETTER = """20 June 2023

Dale Someone
Director of Children’s Services
Wigan Council

Dear Dale

Joint targeted area inspection of the multi-agency response to children who need help in Wigan

This letter summarises the findings of the joint targeted area inspection (JTAI) in Wigan, carried out on 8 to \
12 May 2023 by Ofsted, the Care Quality Commission and HMICFRS.

Yours sincerely

Rae Unreal
His Majesty’s Inspector
"""


# Fields where False or [] is a statement ("no priority action", "nothing to improve", "no statement of action
# required"), kept like any value.
STATEMENTS = {"priority_action", "improvements", "wsoa"}


def values(metadata):
    assert set(metadata) <= set(FIELDS)
    assert all(found.value or name in STATEMENTS for name, found in metadata.items()), (
        "a field without a value must be absent"
    )
    return {name: found.value for name, found in metadata.items()}


def test_a_focused_visit_letter_gives_every_field_from_its_text():
    metadata = extract_metadata(FOCUSED_VISIT)
    assert {found.origin for found in metadata.values()} == {"text"}
    found = values(metadata)
    assert [section["heading"] for section in found.pop("sections")] == [
        "Focused visit to Rutland County Council children’s services", "Headline findings"
    ]
    assert found == {
        "title": "Focused visit to Rutland County Council children’s services",
        "authority": "Rutland",
        "authority_code": "E06000017",
        "urn": "80547",
        "region": "East Midlands",
        "visit_type": "Focused visit",
        "published": "2024-03-12",
        "visit_start": "2024-02-06",
        "visit_end": "2024-02-07",
        "inspectors": ["Jo Inventa", "Kit Madeup"],
        "signatory": "Jo Inventa",
        "recipient": "Sam Placeholder",
        "focus": "children in care, including disabled children in care",
        "priority_action": False,
        "improvements": [],
        "focus_areas": ["children in care"],
    }


def test_a_monitoring_visit_letter():
    found = values(extract_metadata(MONITORING_VISIT))
    assert found["visit_type"] == "Monitoring visit"
    assert found["title"] == "Monitoring visit to Torbay children’s services"
    assert found["authority_code"] == "E06000027"
    assert (found["published"], found["visit_start"], found["visit_end"]) == ("2019-08-09", "2019-07-03", "2019-07-04")
    assert found["inspectors"] == ["Lee Fictional", "Ash Notreal"]
    assert "focus" not in found


def test_an_annual_engagement_meeting_letter_is_signed_by_a_regional_director_not_an_inspector():
    found = values(extract_metadata(ANNUAL_ENGAGEMENT))
    assert found["visit_type"] == "Annual engagement meeting"
    assert found["authority"] == "Hartlepool"
    assert found["published"] == "2019-06-03"
    assert found["signatory"] == "Morgan Imaginary"
    assert found["recipient"] == "Pat Example"
    assert "title" not in found


def test_an_ilacs_report_takes_its_publication_date_only_from_the_file_name():
    found = values(extract_metadata(ILACS_REPORT))
    assert found["visit_type"] == "Children's services inspection"
    assert found["title"] == "Inspection of Wokingham Borough Council local authority children’s services"
    assert found["authority"] == "Wokingham"
    assert (found["visit_start"], found["visit_end"]) == ("2023-03-06", "2023-03-17")
    assert found["inspectors"] == ["Pat Invented"]
    assert "published" not in found

    named = extract_metadata(ILACS_REPORT, filename="children's services inspection - 28 april 2023.pdf")
    assert named["published"].value == "2023-04-28"
    assert named["published"].origin == "filename"
    assert named["visit_type"].origin == "text"


def test_a_sif_report_names_its_authority_above_the_title_and_states_its_publication_date():
    found = values(extract_metadata(SIF_REPORT))
    assert found["visit_type"] == "Children's services inspection"
    assert found["title"] == (
        "Inspection of services for children in need of help and protection, children looked after and care leavers"
    )
    assert found["authority"] == "Swindon"
    assert found["published"] == "2015-03-20"
    assert (found["visit_start"], found["visit_end"]) == ("2015-01-12", "2015-02-03")


def test_an_area_send_report():
    found = values(extract_metadata(SEND_REPORT))
    assert found["visit_type"] == "Area SEND inspection"
    assert found["authority"] == "Telford and Wrekin"
    assert found["region"] == "West Midlands"
    assert (found["visit_start"], found["visit_end"]) == ("2023-07-10", "2023-07-14")


def test_a_jtai_letter():
    found = values(extract_metadata(JTAI_LETTER))
    assert found["visit_type"] == "Joint targeted area inspection"
    assert found["authority"] == "Wigan"
    assert found["published"] == "2023-06-20"


def test_a_letter_with_no_dates_gets_no_dates_rather_than_a_guess():
    undated = FOCUSED_VISIT.replace("12 March 2024\n", "").replace(" on 6 and 7 February 2024", "")
    found = values(extract_metadata(undated))
    assert found["visit_type"] == "Focused visit"
    assert not {"published", "visit_start", "visit_end"} & set(found)


def test_the_file_name_fills_only_what_the_text_leaves_empty():
    named = extract_metadata(FOCUSED_VISIT, filename="children's services inspection - 01 january 2020.pdf")
    assert named["visit_type"].value == "Focused visit"
    assert named["published"].value == "2024-03-12"
    assert named["published"].origin == "text"

    letter = "Dear Sam\n\nThank you for your letter.\n\nYours sincerely\n\nJo Inventa"
    assert extract_metadata(letter)["visit_type"].value == "Other"
    hinted = extract_metadata(letter, filename="children's services focused visit - 22 june 2023.pdf")
    assert (hinted["visit_type"].value, hinted["visit_type"].origin) == ("Focused visit", "filename")
    assert (hinted["published"].value, hinted["published"].origin) == ("2023-06-22", "filename")


def test_a_text_that_is_no_letter_gets_nothing():
    assert extract_metadata("Shopping: eggs, flour and 2 pints of milk.") == {}
    assert extract_metadata("", filename="notes.pdf") == {}


@pytest.mark.parametrize(
    ("label", "visit_type"),
    [
        ("Children's services focused visit", "Focused visit"),
        ("Children's services focused visit, pdf - 11 May 2018", "Focused visit"),
        ("Children’s services  focused visit as pdf", "Focused visit"),
        ("Children's services inspection", "Children's services inspection"),
        ("Children's services inspection, pdf - 19 November 2021", "Children's services inspection"),
        ("Joint area child protection inspection", "Joint targeted area inspection"),
        ("Area SEND full inspection", "Area SEND inspection"),
        ("Children's services monitoring visit", "Monitoring visit"),
        ("Monitoring visit letter, pdf - 2 May 2019", "Monitoring visit"),
        ("Children's services annual engagement meeting", "Annual engagement meeting"),
        ("Children's services assurance visit", "Other"),
        ("", "Other"),
    ],
)
def test_site_labels_map_to_the_visit_types(label, visit_type):
    assert visit_type in VISIT_TYPES
    assert visit_type_from_label(label) == visit_type


@pytest.mark.parametrize(
    ("opening", "visit_type", "authority"),
    [
        (
            "Dear Lou\n\nMonitoring visit of Sunderland local authority children’s services\n\n"
            "This letter summarises the findings of the fourth monitoring visit to Sunderland.",
            "Monitoring visit",
            "Sunderland",
        ),
        (
            "Dear Lou\n\nJoint local area SEND inspection in Rochdale\n\n"
            "Between 4 and 8 June 2018, Ofsted and the Care Quality Commission inspected the local area.",
            "Area SEND inspection",
            "Rochdale",
        ),
        (
            "Inspection of safeguarding and looked after children services\n\nCalderdale\n\n"
            "Inspection dates: 8 – 19 April 2013",
            "Children's services inspection",
            "Calderdale",
        ),
        (
            "Bury Council\n\nInspection of local authority arrangements for the protection of children\n\n"
            "Inspection dates: 4 – 13 March 2013",
            "Children's services inspection",
            "Bury",
        ),
        (
            "Dear Lou\n\nThis letter summarises the findings of the focused visit to Gateshead children’s services "
            "on 3 May 2022. Inspectors met social workers in Newcastle and Sunderland too.",
            "Focused visit",
            "Gateshead",
        ),
    ],
)
def test_older_and_rarer_shapes_are_recognised(opening, visit_type, authority):
    found = values(extract_metadata(opening))
    assert (found["visit_type"], found["authority"]) == (visit_type, authority)


def test_a_trust_named_after_an_abolished_county_resolves_to_the_recipients_council():
    letter = (
        "9 June 2022\n\nAl Example\nDirector of Children’s Services\nWest Northamptonshire Council\nOne Angel Square"
        "\n\nDear Al\n\nFocused visit to Northamptonshire Children’s Trust\n\nThis letter summarises the findings."
    )
    found = values(extract_metadata(letter))
    assert found["authority"] == "West Northamptonshire"
    older = letter.replace("9 June 2022", "9 June 2020").replace("West Northamptonshire Council", "County Hall")
    assert values(extract_metadata(older))["authority"] == "Northamptonshire"


def test_a_sentence_wrapped_at_inspection_of_is_not_taken_for_a_title():
    wrapped = ANNUAL_ENGAGEMENT.replace(
        "Your partnership with Darlington continues to grow.",
        "You described what you learned from the\ninspection of Darlington children’s services last year.",
    )
    found = values(extract_metadata(wrapped))
    assert (found["visit_type"], found["authority"]) == ("Annual engagement meeting", "Hartlepool")
    assert "title" not in found


def test_one_table_of_visit_types_names_every_type_everywhere() -> None:
    from corpus.sample import START_RANGES, TYPE_SHARES
    from corpus.visittypes import OTHER, TYPES, type_named_in

    names = {visit_type.name for visit_type in TYPES}
    assert set(VISIT_TYPES) == set(TYPE_SHARES) == set(START_RANGES) == names
    for visit_type in TYPES:
        # A composed title reads back as its own type, so a letter keeps its type when re-read.
        composed = visit_type.title.format(authority="Anytown")
        assert (type_named_in(composed) or OTHER) == visit_type.name, composed
        if visit_type.name != OTHER:
            label = f"Children's services {visit_type.name.lower()}, pdf - 2 May 2019"
            assert visit_type_from_label(label) == visit_type.name, label


MEETING_LETTER = """10 June 2019

Robin Example
Director of Children's Services
Darlington Borough Council

Dear Robin

Thank you for meeting with Ada Fictional, Senior HMI, Bo Invented HMI and me on 3 June 2019 to talk about
the progress of children's services in Darlington.

We discussed how the service has recruited permanent social workers since the last inspection.

Yours sincerely

Cy Madeup
Regional Director
"""


def test_a_letter_without_a_title_line_gets_a_composed_title_that_never_beats_a_real_one() -> None:
    from corpus.documents import Document
    from corpus.importer import read_document
    from corpus.letters import ORIGINS

    reading = read_document(Document(MEETING_LETTER.encode(), "meeting.txt"))
    assert reading.metadata["title"].value == "Annual engagement meeting with Darlington, 3 June 2019"
    assert reading.metadata["title"].origin == "composed"
    assert ORIGINS.index("composed") < min(ORIGINS.index(origin) for origin in ORIGINS if origin != "composed")

    titled = read_document(Document(("Focused visit to Darlington children's services\n\n" + MEETING_LETTER).encode(),
                                     "titled.txt"))
    assert titled.metadata["title"].origin == "text"
    named = read_document(Document(MEETING_LETTER.encode(), "site.txt", site={"title": "A title from the site"}))
    assert named.metadata["title"].value == "A title from the site" and not named.disagreements
