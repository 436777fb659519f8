"""The authority gazetteer: every current authority, the names letters call them, and which one a document is about.

Letter snippets are short inventions; the authorities are real, the people and places in them are not.
"""

from __future__ import annotations

import re

import pytest

from corpus.gazetteer import (
    all_authorities,
    authority_by_code,
    authority_by_name,
    authority_by_urn,
    find_authority,
)

REGIONS = {
    "North East": 12,
    "North West": 24,
    "Yorkshire and the Humber": 15,
    "East Midlands": 10,
    "West Midlands": 14,
    "East of England": 11,
    "London": 33,
    "South East": 19,
    "South West": 15,
}


def test_the_153_current_authorities_each_have_a_unique_code_urn_and_a_region():
    current = all_authorities()
    assert len(current) == 153
    assert len({a.ons_code for a in current}) == 153
    assert len({a.urn for a in current}) == 153
    assert all(re.fullmatch(r"E(06|08|09|10)\d{6}", a.ons_code) for a in current)
    assert all(a.urn and a.urn.isdigit() for a in current)
    counts = {region: sum(a.region == region for a in current) for region in REGIONS}
    assert counts == REGIONS


def test_former_authorities_resolve_for_old_reports_but_are_not_current():
    names = {a.name for a in all_authorities()}
    former = {a.name: a for a in all_authorities(include_former=True) if not a.current}
    assert set(former) == {"Northamptonshire", "Cumbria", "Bournemouth", "Poole", "Dorset County Council"}
    assert not names & set(former)
    assert former["Northamptonshire"].succeeded_by == ("North Northamptonshire", "West Northamptonshire")
    assert former["Cumbria"].succeeded_by == ("Cumberland", "Westmorland and Furness")
    assert authority_by_name("Northamptonshire County Council").name == "Northamptonshire"
    assert authority_by_name("Cumbria County Council").ended == "2023-04-01"
    assert authority_by_name("Borough of Poole").name == "Poole"
    assert authority_by_name("Dorset County Council").ons_code == "E10000009"
    assert authority_by_name("Dorset Council").ons_code == "E06000059"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Stockton", "Stockton-on-Tees"),
        ("Stockton-on-Tees Borough Council", "Stockton-on-Tees"),
        ("stockton on tees", "Stockton-on-Tees"),
        ("Hull", "Kingston Upon Hull, City of"),
        ("Kingston upon Hull", "Kingston Upon Hull, City of"),
        ("Hull City Council", "Kingston Upon Hull, City of"),
        ("BCP", "Bournemouth, Christchurch and Poole"),
        ("Bournemouth, Christchurch & Poole Council", "Bournemouth, Christchurch and Poole"),
        ("the Royal Borough of Kensington and Chelsea", "Kensington and Chelsea"),
        ("London Borough of Barking and Dagenham", "Barking and Dagenham"),
        ("London Borough of Hammersmith & Fulham", "Hammersmith and Fulham"),
        ("Leeds City Council", "Leeds"),
        ("Kent County Council", "Kent"),
        ("Wirral Metropolitan Borough Council", "Wirral"),
        ("Council of the Isles of Scilly", "Isles of Scilly"),
        ("City of London", "City of London"),
        ("City of London Corporation", "City of London"),
        ("Bristol", "Bristol, City of"),
        ("City of Bristol", "Bristol, City of"),
        ("Herefordshire", "Herefordshire"),
        ("County of Herefordshire", "Herefordshire"),
        ("St Helens", "St. Helens"),
        ("St. Helens Council", "St. Helens"),
        ("Telford & Wrekin", "Telford and Wrekin"),
        ("Royal Borough of Windsor and Maidenhead", "Windsor and Maidenhead"),
        ("Durham County Council", "Durham"),
        ("County Durham", "Durham"),
        ("Bedford Borough Council", "Bedford Borough"),
        ("East Riding", "East Riding of Yorkshire"),
        ("City of York Council", "York"),
        ("Newcastle", "Newcastle upon Tyne"),
        ("Southend-on-Sea Borough Council", "Southend-on-Sea"),
        ("Stoke-on-Trent City Council", "Stoke-on-Trent"),
        ("Westmorland & Furness", "Westmorland and Furness"),
        ("North Yorkshire County Council", "North Yorkshire"),
        ("Somerset County Council", "Somerset"),
        ("Birmingham children’s services", "Birmingham"),
        ("LEICESTER CITY", "Leicester"),
        ("Wakefield District Metropolitan Council", "Wakefield"),
        ("Metropolitan Borough of Barnsley Council", "Barnsley"),
        ("Isle of Wight Local Area Partnership", "Isle of Wight"),
        ("Cheshire East Unitary Authority", "Cheshire East"),
    ],
)
def test_the_forms_letters_use_resolve_to_one_authority(written, canonical):
    found = authority_by_name(written)
    assert found is not None, written
    assert found.name == canonical


@pytest.mark.parametrize("written", ["Lincoln", "Greater Manchester", "Ofsted", "", "Kingston"])
def test_names_of_no_children_services_authority_resolve_to_nothing(written):
    assert authority_by_name(written) is None


def test_lookups_by_code_and_urn():
    assert authority_by_code("E06000004").name == "Stockton-on-Tees"
    assert authority_by_code("e09000001").name == "City of London"
    assert authority_by_urn("80563").name == "Stockton-on-Tees"
    assert authority_by_urn(2532283).name == "Dorset"
    assert authority_by_urn("2733690").name == "Cumberland"
    assert authority_by_code("E99999999") is None
    assert authority_by_urn("1") is None


@pytest.mark.parametrize(
    ("title", "canonical"),
    [
        ("Focused visit to North Lincolnshire children’s services", "North Lincolnshire"),
        ("Focused visit to North East Lincolnshire Council children’s services", "North East Lincolnshire"),
        ("Inspection of Bath and North East Somerset local authority", "Bath and North East Somerset"),
        ("Inspection of North Somerset local authority children’s services", "North Somerset"),
        ("Focused visit to Central Bedfordshire Council children’s services", "Central Bedfordshire"),
        ("Focused visit to Leicestershire children’s services", "Leicestershire"),
        ("Focused visit to West Northamptonshire children’s services", "West Northamptonshire"),
        ("Focused visit to Bournemouth, Christchurch and Poole", "Bournemouth, Christchurch and Poole"),
        ("Area SEND inspection of Kingston upon Thames Local Area Partnership", "Kingston upon Thames"),
        ("Focused visit to Redcar and Cleveland children’s services", "Redcar and Cleveland"),
        ("Focused visit to Stockton-on-\nTees Borough Council children’s services", "Stockton-on-Tees"),
        ("Focused visit to Stockton-onTees children’s services", "Stockton-on-Tees"),
        ("Monitoring visit to Durham’s children’s services", "Durham"),
        ("Joint targeted area inspection of the multi-agency response to neglect in Wigan", "Wigan"),
        ("Focused visit to Sandwell Children’s Trust", "Sandwell"),
        ("Inspection of the Royal Borough of\nKensington and Chelsea local authority", "Kensington and Chelsea"),
        # Capitals, and letters re reads as an "i" or an "s" though they lower-case otherwise.
        ("FOCUSED VISIT TO NORTH LINCOLNSHIRE CHILDREN’S SERVICES", "North Lincolnshire"),
        ("Focused vısıt to North Lincolnshire children’s services", "North Lincolnshire"),
        ("Focuſed visit to Leicestershire children’s services (İlkeston is next door)", "Leicestershire"),
    ],
)
def test_the_longest_name_in_the_title_wins(title, canonical):
    found = find_authority(f"Dear Sam\n\n{title}\n\nThis letter summarises what we found.")
    assert found is not None
    assert found.name == canonical


FOCUSED_LETTER_FOR_RUTLAND = """12 March 2024

Sam Placeholder
Director of Children’s Services
Rutland County Council
Catmose Lane
Oakham

Dear Sam

Focused visit to Rutland children’s services

This letter summarises the findings of the focused visit to Rutland children’s services on 6 and 7 February 2024.

Leaders work closely with Leicestershire and Lincolnshire children’s services and with Leicester City Council
on shared foster care recruitment.
"""


def test_a_letter_that_mentions_neighbours_first_resolves_to_its_own_authority():
    neighbours_first = FOCUSED_LETTER_FOR_RUTLAND.replace(
        "Dear Sam", "cc: Leicestershire County Council, Lincolnshire County Council\n\nDear Sam"
    )
    assert find_authority(FOCUSED_LETTER_FOR_RUTLAND).name == "Rutland"
    assert find_authority(neighbours_first).name == "Rutland"


def test_without_a_title_the_recipients_council_decides():
    letter = (
        "3 June 2019\n\nPat Example\nDirector of Children’s Services\nHartlepool Borough Council\nCivic Centre\n\n"
        "Dear Pat\n\nThank you for meeting with us on 16 May 2019. Your partnership with Stockton and with "
        "Darlington children’s services continues, and Stockton leaders visit often.\n\nYours sincerely\n"
    )
    assert find_authority(letter).name == "Hartlepool"


def test_ofsteds_own_address_in_manchester_is_not_the_authority():
    letter = (
        "Ofsted\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD\n\n4 May 2021\n\nLee Example\n"
        "Director of Children’s Services\nSalford City Council\n\nDear Lee\n\nThank you for your time."
    )
    assert find_authority(letter).name == "Salford"


def test_a_text_that_names_no_authority_resolves_to_nothing():
    assert find_authority("Dear Sam\n\nThank you for your letter about the weather.") is None
