"""The key assumptions a reader of a proposal asks about first, and how their values read.

The report's assumptions table and the explorer's levers show these rows: a label, the value in each
scenario (:func:`fmt_parameter`) and the source. The English source is the parameter's own
description in ``params.py`` ("unit; source"); the Dutch one is written here, and a test checks that it
names the same years and says "aanname" ("afgeleid") exactly where the English says ASSUMPTION (DERIVED).
"""

# ruff: noqa: E501  (tables of sentences read best one entry per line)
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from diffusion_sim.publish.formats import Lang, fmt_eur, fmt_number, fmt_percent
from diffusion_sim.publish.words import ORG_TYPE_LABELS, TEXTS

# Each row: "kind" (how fmt_parameter shows the value: "share", "eur", "months", "rate", "count", "bool",
# "text"), the English and Dutch label and the Dutch source.

# rows the assumptions table adds for a portfolio (its innovations' own values are in their profiles)
PORTFOLIO_ASSUMPTIONS: dict[str, dict[str, Any]] = {
    "portfolio.schedule": {
        "kind": "text", "values": {"sequential": {"en": "one at a time", "nl": "één voor één"},
                                   "simultaneous": {"en": "all at once", "nl": "alles tegelijk"}},
        "en": "How the team takes up the innovations", "nl": "Hoe het team de innovaties oppakt",
        "nl_source": "aanname (de twee opties van het initiatief)",
    },
    "portfolio.months_per_innovation": {
        "kind": "months",
        "en": "Months the team spends on each innovation (one at a time)", "nl": "Maanden per innovatie (één voor één)",
        "nl_source": "aanname: één innovatie per jaar, zoals het initiatief van plan is",
    },
    "portfolio.carryover": {
        "kind": "share",
        "en": "Faster, fewer failures at a next innovation (carry-over)", "nl": "Sneller en minder mislukking bij een volgende innovatie",
        "nl_source": "aanname, bereik 0–40% (organisatieleren, Greenhalgh e.a. 2004)",
    },
}
# the source of the innovation rows when a study uses another innovation profile than the default
PROFILE_SOURCE = {"en": "innovation profile {name} (sources: src/diffusion_sim/innovations/README.md)",
                  "nl": "innovatieprofiel {name} (bronnen: src/diffusion_sim/innovations/README.md)"}

KEY_ASSUMPTIONS: dict[str, dict[str, Any]] = {
    "innovation.target_share": {
        "kind": "share", "decimals": 2,
        "en": "Patients in the target group (share of an organisation's patients)",
        "nl": "Patiënten in de doelgroep (aandeel van de patiënten van een organisatie)",
        "nl_source": "hartfalen 13,8 per 1.000 (afgeleid van 13,3 bij mannen en 14,2 bij vrouwen, Nivel 2021 via VZinfo), de helft bij de cardioloog en de helft alleen bij de "
                     "huisarts (aanname); thuiszorg 10% van de cliënten (aanname, 5–20%); VVT, GGZ en apotheken voeren het niet "
                     "uit (aanname)",
    },
    "innovation.roles": {
        "kind": "text",
        "values": {"primary": {"en": "runs it alone", "nl": "voert zelfstandig in"},
                   "chain": {"en": "chain partner", "nl": "ketenpartner"},
                   "none": {"en": "no part", "nl": "geen rol"}},
        "en": "Part each type plays (a chain partner waits for a tied primary adopter)",
        "nl": "Rol per type (een ketenpartner wacht op een verbonden organisatie die zelfstandig invoert)",
        "nl_source": "ziekenhuizen voeren zelfstandig in, huisartsen en thuiszorg als ketenpartner (DOMAIN.md §7); "
                     "dat een ketenpartner wacht is een aanname",
    },
    "innovation.uptake": {
        "kind": "share",
        "en": "Target group enrolled at full use", "nl": "Deel van de doelgroep dat meedoet bij volledig gebruik",
        "nl_source": "hartfalen GEFIT op de Nederlandse feiten 2012–2018: ziekenhuizen 3,4% (90%: 2,3–5,0%), ketenpartners "
                     "gekoppeld (docs/validation.md), tegen 20–40% die geschikt zou zijn (DOMAIN.md §7)",
    },
    "innovation.implementation_cost_eur": {
        "kind": "eur",
        "en": "Set-up cost for an organisation that learns alone", "nl": "Invoeringskosten voor een organisatie die alleen leert",
        "nl_source": "ziekenhuis 25–100 duizend, huisarts/apotheek/VVT 2–15 duizend (aanname, DOMAIN.md §6)",
    },
    "innovation.implementation_months": {
        "kind": "months",
        "en": "Time from decision to routine use", "nl": "Tijd van besluit tot routinematig gebruik",
        "nl_source": "ziekenhuis 6–12, overige 1–6 maanden (aanname, DOMAIN.md §6)",
    },
    "innovation.implementation_failure": {
        "kind": "share",
        "en": "Implementations that never reach routine use", "nl": "Implementaties die nooit routine worden",
        "nl_source": "20–30% (aanname, DOMAIN.md §5)",
    },
    "innovation.discontinuation_per_year": {
        "kind": "rate",
        "en": "Users that stop each year", "nl": "Gebruikers die per jaar stoppen",
        "nl_source": "10–20% binnen 2–3 jaar (aanname, Wiltsey Stirman 2012, NASSS)",
    },
    "innovation.ramp_months": {
        "kind": "months",
        "en": "Time from go-live to full enrolment", "nl": "Tijd van start tot volledige instroom",
        "nl_source": "1–2 jaar (aanname, DOMAIN.md §7)",
    },
    "diffusion.p": {
        "kind": "rate", "decimals": 2, "raw": True,
        "en": "Outside influence (Bass p)", "nl": "Invloed van buiten (Bass p)",
        "nl_source": "zelfstandig 0,01 (aanname, DOMAIN.md §4; Sultan e.a. 1990 gemiddeld 0,03)",
    },
    "diffusion.q": {
        "kind": "rate", "decimals": 2, "raw": True,
        "en": "Imitation through ties (Bass q)", "nl": "Navolging via contacten (Bass q)",
        "nl_source": "0,15–0,25 zelfstandig (aanname, DOMAIN.md §4; Sultan e.a. 1990 gemiddeld 0,38)",
    },
    "barriers.own_learning_per_doubling": {
        "kind": "share",
        "en": "Lower cost, time and failure per doubling of adopting contacts", "nl": "Lagere kosten, tijd en uitval per verdubbeling van invoerende contacten",
        "nl_source": "ongeveer 10% (aanname naar DOMAIN.md §8, dat alleen eigen pogingen en kosten en tijd telt; Wright 1936)",
    },
    "facilitation.team_members": {
        "kind": "count",
        "en": "People in the regional team", "nl": "Mensen in het regionale team",
        "nl_source": "ongeveer 6 (projectvoorstel Multinnoveren); 0 bij zelfstandig opschalen",
    },
    "facilitation.knowledge_network": {
        "kind": "bool",
        "en": "Regional knowledge network run by the team", "nl": "Regionaal kennisnetwerk van het team",
        "nl_source": "uit bij zelfstandig opschalen",
    },
    "facilitation.budget_eur_per_year": {
        "kind": "eur", "suffix": "per_year",
        "en": "Budget of the regional team", "nl": "Budget van het regionale team",
        "nl_source": "10.000 (projectvoorstel Multinnoveren); 0 bij zelfstandig opschalen",
    },

    "facilitation.support_failure_reduction": {
        "kind": "share",
        "en": "Fewer failed implementations with support", "nl": "Minder mislukte implementaties met ondersteuning",
        "nl_source": "aanname (context: Wells e.a. 2018, 83% van de verbetertrajecten verbeterde een maat, weinig blijvend; Schouten e.a. 2008, 7 van 9)",
    },
    "facilitation.knowledge_sharing": {
        "kind": "share",
        "en": "Experience in the region that reaches every organisation", "nl": "Ervaring in de regio die elke organisatie bereikt",
        "nl_source": "aanname",
    },
    "facilitation.regional_learning_per_doubling": {
        "kind": "share",
        "en": "Lower cost, time and failure per doubling of the region's adopters", "nl": "Lagere kosten, tijd en uitval per verdubbeling van invoerders in de regio",
        "nl_source": "15–20% (aanname, DOMAIN.md §8 voor kosten en tijd; Wright 1936)",
    },
    "facilitation.events_per_year": {
        "kind": "count", "suffix": "per_year",
        "en": "Regional knowledge-sharing meetings", "nl": "Regionale kennisbijeenkomsten",
        "nl_source": "aanname",
    },
    "facilitation.insurer_engaged": {
        "kind": "bool",
        "en": "Insurer in the team from the start", "nl": "Zorgverzekeraar vanaf het begin in het team",
        "nl_source": "aanname (het projectvoorstel noemt de verzekeraar onder de beslissende partijen)",
    },
    "insurer.negotiation_months": {
        "kind": "months",
        "en": "Time to a reimbursement contract", "nl": "Tijd tot een vergoedingscontract",
        "nl_source": "6–18 (aanname, DOMAIN.md §6)",
    },
    "insurer.cost_share": {
        "kind": "share",
        "en": "Share of set-up cost the contract covers", "nl": "Deel van de invoeringskosten dat het contract dekt",
        "nl_source": "aanname",
    },
}


def fmt_parameter(value: Any, spec: Mapping[str, Any], lang: Lang, types: tuple[str, ...] | None = None) -> str:
    """A parameter value as the assumptions table shows it, per organisation type where it has one."""
    if isinstance(value, Mapping):
        keys = [k for k in value if types is None or k in types]
        return "\n".join(f"{ORG_TYPE_LABELS[k][lang]} {fmt_parameter(value[k], spec, lang)}" for k in keys)
    kind = spec["kind"]
    decimals = int(spec.get("decimals", 0))
    if kind == "bool":
        text = TEXTS["yes" if value else "no"][lang]
    elif kind == "text":
        text = spec["values"].get(value, {}).get(lang, str(value))
    elif kind == "share":
        v = 100 * float(value)
        text = fmt_percent(float(value), lang, 0 if abs(v - round(v)) < 1e-9 else int(spec.get("decimals", 1)))
    elif kind == "eur":
        text = fmt_eur(float(value), lang)
    elif kind == "months":
        v = float(value)
        text = f"{fmt_number(v, lang, 0 if v == int(v) else 1)} {TEXTS['months_unit'][lang]}"
    elif kind == "rate":
        v = float(value)
        text = fmt_number(v, lang, decimals) if spec.get("raw") else fmt_percent(v, lang)
        text += f" {TEXTS['per_year'][lang]}"
    else:
        v = float(value)
        text = fmt_number(v, lang, decimals or (0 if v == int(v) else 1))
    if spec.get("suffix"):
        text += f" {TEXTS[spec['suffix']][lang]}"
    return text


# Parameters that KEY_ASSUMPTIONS does not name but the explorer's levers and the analyses' tables and figures do:
# label and the Dutch version of the source that params.py gives in English (a test checks "aanname" where the
# English says ASSUMPTION).
PARAMETER_WORDS: dict[str, dict[str, Any]] = {
    "facilitation.priority_types": {
        "kind": "type",
        "en": "The team approaches first", "nl": "Het team benadert eerst",
        "nl_source": "aanname: eerst de organisaties met de meeste patiënten per contact",
    },
    "insurer.reimburses": {
        "kind": "bool",
        "en": "The insurer reimburses set-up cost", "nl": "De zorgverzekeraar vergoedt invoeringskosten",
        "nl_source": "aanname (precedent: HartWacht sinds 2016 vergoed door Zilveren Kruis, Skipr 2019)",
    },
    "insurer.fixed_start": {
        "kind": "bool",
        "en": "Reimbursement from a fixed month", "nl": "Vergoeding vanaf een vaste maand",
        "nl_source": "een beleidskeuze om te verkennen, geen schatting: geen bron",
    },
    "insurer.fixed_start_month": {
        "kind": "month",
        "en": "Reimbursed from", "nl": "Vergoed vanaf",
        "nl_source": "een beleidskeuze om te verkennen, geen schatting: geen bron",
    },
    "simulation.months": {
        "kind": "months",
        "en": "Horizon", "nl": "Looptijd",
        "nl_source": "aanname: 5 jaar, het langste NZa-experiment (BR/REG-17164)",
    },
    "insurer.demand_threshold": {
        "kind": "count",
        "en": "Users needed before the insurer starts arranging", "nl": "Gebruikers nodig voordat de verzekeraar gaat regelen",
        "nl_source": "aanname",
    },
    "facilitation.support_decision_odds_ratio": {
        "kind": "number", "decimals": 2,
        "en": "Odds of deciding to implement with support (odds ratio)", "nl": "Kans op een besluit tot invoeren met ondersteuning (odds ratio)",
        "nl_source": "Baskerville e.a. 2012: 2,76 als bovengrens gelezen (publicatiebias); 90% tussen 1 en 2,76 (DOMAIN.md §9)",
    },
    "facilitation.support_awareness": {
        "kind": "share",
        "en": "Chance a month that the team's approach makes an organisation aware", "nl": "Kans per maand dat de benadering van het team een organisatie bekend maakt",
        "nl_source": "aanname (DOMAIN.md §9: ondersteuning maakt niet meteen bekend)",
    },
    "facilitation.support_consideration": {
        "kind": "number",
        "en": "Faster start of a decision with support (relative increase)", "nl": "Sneller begin van een besluit met ondersteuning (relatieve toename)",
        "nl_source": "aanname (DOMAIN.md §9)",
    },
    "facilitation.support_hours_per_org_month": {
        "kind": "number",
        "en": "Team hours per supported organisation per month", "nl": "Teamuren per ondersteunde organisatie per maand",
        "nl_source": "aanname: twee halve dagdelen per maand (Baskerville e.a. 2012 over intensiteit)",
    },
    "facilitation.hours_per_member_per_month": {
        "kind": "number",
        "en": "Hours a month each team member gives (in kind)", "nl": "Uren per maand die elk teamlid geeft (in natura)",
        "nl_source": "aanname, een keuze van de partners: één tot vier dagdelen per maand",
    },
    "facilitation.team_members": {
        "kind": "count",
        "en": "People in the regional team", "nl": "Mensen in het regionale team",
        "nl_source": "ongeveer 6 (projectvoorstel Multinnoveren); 0 bij zelfstandig opschalen",
    },
    "facilitation.knowledge_network": {
        "kind": "bool",
        "en": "The team runs a regional knowledge network", "nl": "Het team onderhoudt een regionaal kennisnetwerk",
        "nl_source": "projectvoorstel Multinnoveren: facilitatie en kennisdeling",
    },
    "facilitation.support_time_reduction": {
        "kind": "share",
        "en": "Shorter decisions and implementations with support", "nl": "Kortere besluitvorming en invoering met ondersteuning",
        "nl_source": "aanname",
    },
    "facilitation.support_cost_eur_per_month": {
        "kind": "eur",
        "en": "Cost per supported organisation per month", "nl": "Kosten per ondersteunde organisatie per maand",
        "nl_source": "aanname: reizen en materiaal",
    },
}


def parameter_label(name: str, lang: Lang) -> str:
    """A parameter's label in ``lang`` where one is written (KEY_ASSUMPTIONS, PARAMETER_WORDS), else its dotted name."""
    spec = KEY_ASSUMPTIONS.get(name) or PARAMETER_WORDS.get(name)
    return str(spec[lang]) if spec else name
