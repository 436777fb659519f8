"""What a document concludes: framework, judgements, SEND outcome, priority action, improvements, focus areas.

The names and values below are the contract every later layer (index, facets, pages, exports) derives from.
"""

from __future__ import annotations

# The frameworks a full report or SEND report is written under.
FRAMEWORKS = ("ILACS", "SIF", "SEND 2023", "SEND 2016")

# Judgement keys in the order tables show them, with the label a person reads.
JUDGEMENTS = {
    "overall_effectiveness": "Overall effectiveness",
    "impact_of_leaders": "Impact of leaders",
    "help_and_protection": "Help and protection",
    "children_in_care": "Children in care",
    "care_leavers": "Care leavers",
    "adoption": "Adoption",
    "lscb": "LSCB",
}

# Grades, best first.
GRADES = ("Outstanding", "Good", "Requires improvement", "Inadequate")

# Outcomes of a 2023-framework Area SEND inspection, best first.
SEND_OUTCOMES = ("positive", "inconsistent", "systemic failings")

# What a focused or monitoring visit looked at, in the order the pages list them.
FOCUS_AREAS = (
    "front door",
    "children in need and child protection",
    "extra-familial risk",
    "children in care",
    "permanence",
    "care leavers",
    "placement decisions for older children",
    "disabled children",
    "covid-19",
    "other",
)
