"""What the database holds on its first start (migrations m002 and m005 write it): the
group's member organisations and its 2024 quarterly schedule, from SPEC.md."""

# The IWG's members and secretariat, as the working group lists them; a short name in
# brackets is what people type (`/ta assign TA-7 WHO`).
MEMBER_ORGANISATIONS = (
    "World Health Organization (WHO)",
    "Institute for Security Studies (ISS)",
    "Centers for Disease Control and Prevention (CDC)",
    "Global Partnership to End Violence Against Children",
    "Care and Protection of Children Learning Network (CPC)",
    "Joining Forces Alliance",
    "United Nations Office on Drugs and Crime (UNODC)",
    "Oxford University",
    "Violence Prevention Alliance Jamaica",
    "Together for Girls",
    "Universidad de los Andes",
    "USAID",
    "Red por la Infancia",
    "University of Edinburgh",
    "World Bank",
    "Plan International",
    "World Council of Churches",
    "Sexual Violence Research Initiative (SVRI)",
    "Impact and Innovations Development Centre",
    "Alliance for Child Protection in Humanitarian Action",
    "UNICEF Innocenti",
    "World Vision International",
    "Child Protection Network Foundation",
    "PEPFAR",
)

# (title, start date, end date, IANA zone, place); the place None means virtual
SCHEDULE_2024 = (
    ("Q1 meeting", "2024-02-28", None, "UTC", None),
    (
        "Q2 meeting (in person)",
        "2024-06-26",
        "2024-06-28",
        "America/Argentina/Buenos_Aires",
        "Buenos Aires, hosted by Red por la Infancia",
    ),
    ("Q3 meeting", "2024-09-19", None, "UTC", None),
    ("Q4 meeting", "2024-12-05", None, "UTC", None),
)
