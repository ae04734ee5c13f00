"""UNISON's NEC constituencies (DOMAIN.md), shared by the domain tests."""

REGIONS = [
    "Eastern",
    "East Midlands",
    "Greater London",
    "Northern",
    "Northern Ireland",
    "North West",
    "Scotland",
    "South East",
    "South West",
    "Cymru/Wales",
    "West Midlands",
    "Yorkshire & Humberside",
]

SERVICE_GROUPS = [
    "Local Government",
    "Health",
    "Higher Education",
    "Police, Probation and CAFCASS (formerly Police and Justice)",
    "Community",
    "Water, Environment and Transport",
    "Energy",
]
