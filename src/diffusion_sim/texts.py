"""Every word and number a reader sees, in Dutch and English: labels, sentences, month names, number formats.

Figures, the report and (later) a browser explorer all take their text from here, so a label or a
headline sentence reads the same everywhere and a Dutch page has no English left in it. Numbers follow
the language: ``1.234`` and ``12,5%`` in Dutch, ``1,234`` and ``12.5%`` in English.

Nothing here computes results. :func:`headline_sentences` turns numbers that
:mod:`diffusion_sim.analysis.summary` computed (see ``report.headline_numbers``) into plain sentences.
"""

# ruff: noqa: E501  (tables of sentences read best one entry per line)
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

Lang = Literal["nl", "en"]
LANGS: tuple[str, ...] = ("nl", "en")
MINUS = "\u2212"  # a typographic minus, so "-5" cannot be read as a dash
NBSP = "\u00a0"  # keeps "€ 1.234" on one line
DASH = "\u2013"  # en dash for ranges: 120–390

# --- numbers -----------------------------------------------------------------------------------


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if it is a supported language; a ``ValueError`` names the choices otherwise."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: choose one of {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]


def fmt_number(value: float, lang: Lang, decimals: int = 0) -> str:
    """A number with the language's separators: 1.234,5 (nl) or 1,234.5 (en); NaN becomes a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    text = f"{abs(value):,.{decimals}f}"
    if lang == "nl":
        text = text.translate(str.maketrans(",.", ".,"))
    negative = value < 0 and text.strip("0.,") != ""
    return (MINUS if negative else "") + text


def fmt_percent(share: float, lang: Lang, decimals: int = 0) -> str:
    """A share (0..1) as a percentage: 12,5% (nl) or 12.5% (en)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return DASH
    return fmt_number(100 * share, lang, decimals) + "%"


def fmt_eur(value: float, lang: Lang) -> str:
    """Euros without cents: € 1.234 (nl, with the customary space) or €1,234 (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    sign = MINUS if value < 0 and round(abs(value)) > 0 else ""
    return f"{sign}€{NBSP}{fmt_number(abs(value), lang)}" if lang == "nl" else f"{sign}€{fmt_number(abs(value), lang)}"


def fmt_value(value: float, unit: str, lang: Lang) -> str:
    """A value in the unit :data:`diffusion_sim.analysis.summary.OUTCOMES` gives it (share, EUR, months, counts)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if math.isinf(value):
        return TEXTS["not_reached"][lang]
    if unit == "share":
        return fmt_percent(value, lang)
    if unit == "EUR":
        return fmt_eur(value, lang)
    return fmt_number(value, lang)


def fmt_range(low: str, high: str, lang: Lang) -> str:
    """A 90% interval from two formatted bounds: 120–390, or "−1.032 tot −9" when a bound is negative."""
    if low.startswith(MINUS) or high.startswith(MINUS):
        return f"{low} {TEXTS['to'][lang]} {high}"
    return f"{low}{DASH}{high}"


def fmt_interval(q: Mapping[str, float], unit: str, lang: Lang) -> str:
    """Median and 90% interval as in the report's tables: ``228 (120–390)``; just "not reached" for a missed target."""
    if q["median"] is not None and math.isinf(q["median"]):
        return TEXTS["not_reached"][lang]
    return f"{fmt_value(q['median'], unit, lang)} ({fmt_range(fmt_value(q['low'], unit, lang), fmt_value(q['high'], unit, lang), lang)})"


# --- months ------------------------------------------------------------------------------------

MONTHS_SHORT = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
}
MONTHS_LONG = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
}


def calendar_month(start_year: int, start_month: int, month: int) -> tuple[int, int]:
    """(year, month 1-12) of simulation month ``month`` when month 0 is ``start_month`` of ``start_year``."""
    index = start_month - 1 + month
    return start_year + index // 12, index % 12 + 1


def month_label(start_year: int, start_month: int, month: int, lang: Lang, long: bool = False) -> str:
    """Calendar label of simulated month ``month`` (0 = the first): "jan 2028" / "Jan 2028" (or the full name)."""
    year, m = calendar_month(start_year, start_month, month)
    names = MONTHS_LONG if long else MONTHS_SHORT
    return f"{names[lang][m - 1]} {year}"


def step_label(start_year: int, start_month: int, step: int, lang: Lang) -> str:
    """Label of result month ``step``: the state at the end of the step-th simulated month (results.py).

    Step 12 of a January start is "dec 2027", as in the ``calendar_month`` column of monthly.csv; step 0,
    the state before the first simulated month, is "start".
    """
    return TEXTS["start_tick"][lang] if step <= 0 else month_label(start_year, start_month, step - 1, lang)


# --- labels ------------------------------------------------------------------------------------

ORG_TYPE_LABELS: dict[str, dict[str, str]] = {
    "hospital": {"en": "Hospital", "nl": "Ziekenhuis"},
    "gp_practice": {"en": "GP practice", "nl": "Huisartsenpraktijk"},
    "elderly_care": {"en": "Elderly care", "nl": "Ouderenzorg (VVT)"},
    "home_care": {"en": "Home care", "nl": "Thuiszorg"},
    "mental_health": {"en": "Mental health care", "nl": "GGZ"},
    "pharmacy": {"en": "Pharmacy", "nl": "Apotheek"},
}
ORG_TYPE_PLURAL: dict[str, dict[str, str]] = {
    "hospital": {"en": "hospitals", "nl": "ziekenhuizen"},
    "gp_practice": {"en": "GP practices", "nl": "huisartsenpraktijken"},
    "elderly_care": {"en": "elderly-care organisations", "nl": "VVT-organisaties"},
    "home_care": {"en": "home-care organisations", "nl": "thuiszorgorganisaties"},
    "mental_health": {"en": "mental-health providers", "nl": "GGZ-aanbieders"},
    "pharmacy": {"en": "pharmacies", "nl": "apotheken"},
}
STATE_LABELS: dict[str, dict[str, str]] = {
    "ineligible": {"en": "not eligible", "nl": "niet van toepassing"},
    "unaware": {"en": "unaware", "nl": "onbekend met de innovatie"},
    "aware": {"en": "aware", "nl": "bekend"},
    "deciding": {"en": "deciding", "nl": "beslist"},
    "implementing": {"en": "implementing", "nl": "implementeert"},
    "adopted": {"en": "using it", "nl": "gebruikt het"},
    "rejected": {"en": "rejected", "nl": "afgewezen"},
    "failed": {"en": "implementation failed", "nl": "implementatie mislukt"},
    "discontinued": {"en": "stopped", "nl": "gestopt"},
}

# Known strategies get a readable name and the phrases of the headline; any other scenario is called
# by its own name. Which scenario is the reference comes from the order of the study, not from here.
STRATEGY_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "isolated": {
        "label": {"en": "Isolated", "nl": "Zelfstandig"},
        "long": {"en": "Isolated scaling: each organisation on its own", "nl": "Zelfstandig opschalen: elke organisatie op eigen kracht"},
        "lead": {"en": "When organisations scale on their own", "nl": "Als organisaties zelfstandig opschalen,"},
        "against": {"en": "when organisations scale on their own", "nl": "als organisaties zelfstandig opschalen"},
        "short": {"en": "scaling alone", "nl": "zelfstandig opschalen"},
    },
    "collaborative": {
        "label": {"en": "Collaborative", "nl": "Samenwerkend"},
        "long": {"en": "Collaborative scaling with a regional team", "nl": "Samen opschalen met een regionaal team"},
        "lead": {"en": "With regional collaboration", "nl": "Met regionale samenwerking"},
        "against": {"en": "with regional collaboration", "nl": "met regionale samenwerking"},
        "short": {"en": "regional collaboration", "nl": "regionale samenwerking"},
    },
    # the portfolio scenarios (issue 9): the same team, innovations taken up in turn or together
    "isolated-portfolio": {
        "label": {"en": "Isolated", "nl": "Zelfstandig"},
        "long": {"en": "Isolated scaling of every innovation", "nl": "Elke innovatie zelfstandig opschalen"},
        "lead": {"en": "When organisations scale them on their own", "nl": "Als organisaties ze zelfstandig opschalen,"},
        "against": {"en": "when organisations scale them on their own", "nl": "als organisaties ze zelfstandig opschalen"},
        "short": {"en": "scaling alone", "nl": "zelfstandig opschalen"},
    },
    "one-at-a-time": {
        "label": {"en": "One at a time", "nl": "Eén voor één"},
        "long": {"en": "The regional team takes up one innovation a year", "nl": "Het regionale team pakt elk jaar één innovatie op"},
        "lead": {"en": "With one innovation at a time", "nl": "Met één innovatie tegelijk"},
        "against": {"en": "with one innovation at a time", "nl": "met één innovatie tegelijk"},
        "short": {"en": "one at a time", "nl": "één voor één"},
    },
    "all-at-once": {
        "label": {"en": "All at once", "nl": "Alles tegelijk"},
        "long": {"en": "The regional team takes up all innovations at once", "nl": "Het regionale team pakt alle innovaties tegelijk op"},
        "lead": {"en": "With all innovations at once", "nl": "Met alle innovaties tegelijk"},
        "against": {"en": "with all innovations at once", "nl": "met alle innovaties tegelijk"},
        "short": {"en": "all at once", "nl": "alles tegelijk"},
    },
}


def strategy_text(name: str, form: str, lang: Lang) -> str:
    """A scenario's name in one of the forms of :data:`STRATEGY_LABELS`, or a quoted name for any other scenario."""
    known = STRATEGY_LABELS.get(name)
    if known is not None:
        return known[form][lang]
    generic = {
        "label": {"en": "{n}", "nl": "{n}"},
        "long": {"en": "Scenario “{n}”", "nl": "Scenario ‘{n}’"},
        "lead": {"en": "In scenario “{n}”", "nl": "In scenario ‘{n}’"},
        "against": {"en": "in scenario “{n}”", "nl": "in scenario ‘{n}’"},
        "short": {"en": "scenario “{n}”", "nl": "scenario ‘{n}’"},
    }
    return generic[form][lang].format(n=name)


# Outcome labels for :data:`diffusion_sim.analysis.summary.OUTCOMES` (same keys; a test keeps them in step).
OUTCOME_LABELS: dict[str, dict[str, str]] = {
    "patients_12m": {"en": "Additional patients reached in the first 12 months", "nl": "Extra patiënten bereikt in de eerste 12 maanden"},
    "patients_final": {"en": "Additional patients reached by the end ({months} months)", "nl": "Extra patiënten bereikt aan het eind ({months} maanden)"},
    "share_adopted_final": {"en": "Eligible organisations using it at the end", "nl": "Geschikte organisaties die het aan het eind gebruiken"},
    "adopted_beyond_origin": {"en": "Organisations that adopted it (besides the first)", "nl": "Organisaties die het invoerden (naast de eerste)"},
    "months_to_1000_patients": {"en": "Months until 1,000 additional patients", "nl": "Maanden tot 1.000 extra patiënten"},
    "months_to_70pct": {"en": "Months until 70% of eligible organisations use it", "nl": "Maanden tot 70% van de geschikte organisaties het gebruikt"},
    "implementation_cost_eur": {"en": "Implementation cost", "nl": "Implementatiekosten"},
    "facilitation_cost_eur": {"en": "Facilitation cost (regional team)", "nl": "Kosten facilitatie (regionaal team)"},
    "total_cost_eur": {"en": "Implementation + facilitation cost", "nl": "Implementatie- plus facilitatiekosten"},
    "cost_per_patient_eur": {"en": "Cost per additional patient reached", "nl": "Kosten per bereikte extra patiënt"},
}

# Plain strings, keyed by what they are for; ``{name}`` fields are filled with str.format.
TEXTS: dict[str, dict[str, str]] = {
    # numbers and ranges
    "not_reached": {"en": "not reached", "nl": "niet bereikt"},
    "to": {"en": "to", "nl": "tot"},
    "month_axis": {"en": "Months since the start ({start})", "nl": "Maanden sinds de start ({start})"},
    "start_tick": {"en": "start", "nl": "start"},
    "months_unit": {"en": "months", "nl": "maanden"},
    "month_unit": {"en": "month", "nl": "maand"},
    "per_year": {"en": "per year", "nl": "per jaar"},
    "yes": {"en": "yes", "nl": "ja"},
    "no": {"en": "no", "nl": "nee"},
    # figure titles and axes
    "fig_adoption_title": {"en": "Adoption over time", "nl": "Invoering door de tijd"},
    "fig_adoption_y": {"en": "Eligible organisations using it (%)", "nl": "Geschikte organisaties die het gebruiken (%)"},
    "target_70": {"en": "Target: 70% of eligible organisations", "nl": "Doel: 70% van de geschikte organisaties"},
    "band_median": {"en": "median", "nl": "mediaan"},
    "band_50": {"en": "50% of runs", "nl": "50% van de simulaties"},
    "band_90": {"en": "90% of runs", "nl": "90% van de simulaties"},
    "fig_patients_title": {"en": "Patients reached over time (cumulative)", "nl": "Bereikte patiënten door de tijd (cumulatief)"},
    "fig_patients_y": {"en": "Additional patients reached (patients)", "nl": "Extra bereikte patiënten (aantal)"},
    "target_1000": {"en": "Target: 1,000 more patients in the first year", "nl": "Doel: 1.000 extra patiënten in het eerste jaar"},
    "fig_targets_title": {"en": "Time to reach the targets", "nl": "Tijd tot de doelen bereikt zijn"},
    "fig_targets_y": {"en": "Runs that reached the target (%)", "nl": "Simulaties die het doel bereikten (%)"},
    "panel_1000": {"en": "1,000 additional patients", "nl": "1.000 extra patiënten"},
    "panel_70": {"en": "70% of eligible organisations", "nl": "70% van de geschikte organisaties"},
    "never_word": {"en": "never", "nl": "nooit"},
    "never_note": {"en": "“x% {never}”: runs that did not reach it in {months} months",
                   "nl": "‘x% {never}’: simulaties die het niet haalden in {months} maanden"},
    "never_all": {"en": "not reached within {months} months in any run", "nl": "in geen enkele simulatie bereikt binnen {months} maanden"},
    "fig_money_title": {"en": "Cost and reach", "nl": "Kosten en bereik"},
    "fig_money_x": {"en": "Additional patients reached by the end (patients)", "nl": "Extra bereikte patiënten aan het eind (aantal)"},
    "fig_money_y": {"en": "Implementation + facilitation cost (€ thousand)", "nl": "Implementatie- + facilitatiekosten (× € 1.000)"},
    "fig_money_per_patient": {"en": "€ per additional patient reached", "nl": "€ per bereikte extra patiënt"},
    "fig_money_panel_a": {"en": "Total cost and reach (a dot per run)", "nl": "Totale kosten en bereik (stip per simulatie)"},
    "fig_money_panel_b": {"en": "Cost per additional patient", "nl": "Kosten per extra patiënt"},
    "fig_map_title": {"en": "When organisations start using it (a typical run)", "nl": "Wanneer organisaties het gaan gebruiken (een typische simulatie)"},
    "map_never": {"en": "not within {months} months", "nl": "niet binnen {months} maanden"},
    "map_origin": {"en": "first user ({name})", "nl": "eerste gebruiker ({name})"},
    "map_legend": {"en": "Started using it", "nl": "Gestart met gebruik"},
    "map_typical": {"en": "run {rep}: median number of adopting organisations ({n})", "nl": "simulatie {rep}: mediaan aantal invoerende organisaties ({n})"},
    "map_scale": {"en": "{km} km", "nl": "{km} km"},
    "fig_types_title": {"en": "Who adopts: organisations using it, by type", "nl": "Wie voert in: organisaties die het gebruiken, per type"},
    "fig_types_y": {"en": "Organisations using it (mean over runs)", "nl": "Organisaties die het gebruiken (gemiddelde over simulaties)"},
    "fig_types_y_portfolio": {"en": "Innovations in use, all organisations (mean over runs)",
                              "nl": "Innovaties in gebruik, alle organisaties (gemiddelde over simulaties)"},
    "types_legend": {"en": "{label} ({n} eligible)", "nl": "{label} ({n} geschikt)"},
    "caption": {
        "en": "{reps} runs per scenario · scenarios: {scenarios} · seed {seed} · diffusion-sim {version}",
        "nl": "{reps} simulaties per scenario · scenario's: {scenarios} · startwaarde {seed} · diffusion-sim {version}",
    },
    # report
    "report_title": {"en": "Scaling up {innovation} in {region}", "nl": "Opschalen van {innovation} in {region}"},
    "report_subtitle": {
        "en": "Simulation of how the innovation spreads between care organisations: {scenarios}",
        "nl": "Simulatie van de verspreiding van de innovatie tussen zorgorganisaties: {scenarios}",
    },
    "n_innovations": {"en": "{n} proven innovations", "nl": "{n} bewezen innovaties"},
    "n_municipalities": {"en": "{n} municipalities", "nl": "{n} gemeenten"},
    "h_innovations": {"en": "Per innovation", "nl": "Per innovatie"},
    "col_innovation": {"en": "Innovation", "nl": "Innovatie"},
    "col_inn_share": {"en": "{name}: organisations using it", "nl": "{name}: organisaties die het gebruiken"},
    "col_inn_patients": {"en": "{name}: additional patients", "nl": "{name}: extra patiënten"},
    "reached_70_in": {"en": "70% reached in {share} of runs", "nl": "70% bereikt in {share} van de simulaties"},
    "inn_eligible": {"en": "{n} organisations with the target group", "nl": "{n} organisaties met de doelgroep"},
    "innovations_note": {
        "en": "Each innovation of the portfolio at the end ({months} months): median over the runs with the 90% interval, "
              "and how often it reached 70% of the organisations with its target group. The key numbers above add the "
              "innovations up; there, 70% is reached when every innovation has reached it.",
        "nl": "Elke innovatie van het portfolio aan het eind ({months} maanden): mediaan over de simulaties met het 90%-interval, "
              "en hoe vaak ze 70% van de organisaties met haar doelgroep bereikte. De kerncijfers hierboven tellen de innovaties "
              "op; daar is 70% bereikt wanneer elke innovatie het heeft bereikt.",
    },
    "fig_innovations_title": {"en": "Each innovation: organisations using it over time", "nl": "Per innovatie: organisaties die het gebruiken door de tijd"},
    "h_headline": {"en": "In brief", "nl": "In het kort"},
    "h_numbers": {"en": "Key numbers", "nl": "Kerncijfers"},
    "numbers_note": {
        "en": "Median over {reps} runs, with the 90% interval in brackets (5% of runs lower, 5% higher). "
              "“Not reached” means that the median run did not reach the target within {months} months.",
        "nl": "Mediaan over {reps} simulaties, met tussen haakjes het 90%-interval (5% van de simulaties lager, 5% hoger). "
              "‘Niet bereikt’ betekent dat de middelste simulatie het doel niet binnen {months} maanden haalde.",
    },
    "reached_in": {"en": "reached in {share} of runs", "nl": "bereikt in {share} van de simulaties"},
    "h_figures": {"en": "Figures", "nl": "Figuren"},
    "h_assumptions": {"en": "Key assumptions", "nl": "Belangrijkste aannames"},
    "assumptions_note": {
        "en": "Values used in this study. “Assumption” marks a value without a published source; all parameters with their "
              "sources: diffusion-sim params.",
        "nl": "Waarden in deze studie. ‘Aanname’ staat bij een waarde zonder gepubliceerde bron; alle parameters met bronnen: "
              "diffusion-sim params.",
    },
    "col_assumption": {"en": "Assumption", "nl": "Aanname"},
    "col_source": {"en": "Source", "nl": "Bron"},
    "col_outcome": {"en": "Outcome", "nl": "Uitkomst"},
    "col_difference": {"en": "{name} minus {ref}, run by run", "nl": "{name} min {ref}, per simulatie"},
    "months_sooner": {"en": "months sooner", "nl": "maanden eerder"},
    "incremental_note": {"en": "extra cost per extra patient", "nl": "extra kosten per extra patiënt"},
    "read_adoption": {
        "en": "The line is the median run; the shaded bands hold the middle 50% and 90% of runs. The dashed line is the "
              "target of 70% of the organisations that can use the innovation.",
        "nl": "De lijn is de middelste simulatie; de gekleurde banden bevatten de middelste 50% en 90% van de simulaties. De stippellijn "
              "is het doel: 70% van de organisaties die de innovatie kunnen gebruiken.",
    },
    "read_innovations": {
        "en": "One panel per innovation of the portfolio: the share of the organisations with its target group that use it. "
              "Lines are median runs, bands hold 90% of runs; the dashed line is the 70% target.",
        "nl": "Eén paneel per innovatie van het portfolio: het deel van de organisaties met haar doelgroep dat haar gebruikt. "
              "Lijnen zijn de middelste simulaties, banden bevatten 90% van de simulaties; de stippellijn is het doel van 70%.",
    },
    "read_patients": {
        "en": "Patients enrolled beyond those of the first user, added up over time. The circle marks the target: 1,000 more "
              "patients after 12 months.",
        "nl": "Patiënten die meedoen naast die van de eerste gebruiker, opgeteld door de tijd. De cirkel markeert het doel: "
              "1.000 extra patiënten na 12 maanden.",
    },
    "read_targets": {
        "en": "Each line climbs as more runs reach the target. Where it ends below 100%, the rest of the runs did not reach "
              "the target within the horizon.",
        "nl": "Elke lijn stijgt naarmate meer simulaties het doel halen. Eindigt een lijn onder 100%, dan haalde de rest van de "
              "simulaties het doel niet binnen de looptijd.",
    },
    "read_money": {
        "en": "Left: total implementation and facilitation cost against patients reached, a dot per run. Right: what one "
              "additional patient reached costs.",
        "nl": "Links: totale implementatie- en facilitatiekosten tegen het aantal bereikte patiënten, een stip per simulatie. "
              "Rechts: wat één extra bereikte patiënt kost.",
    },
    "read_map": {
        "en": "Every organisation that can use the innovation, at its location, coloured by when it started in a typical "
              "run (the run with the median number of adopting organisations). Grey: not within the horizon.",
        "nl": "Elke organisatie die de innovatie kan gebruiken, op haar locatie, gekleurd naar wanneer ze begon in een "
              "typische simulatie (de simulatie met het middelste aantal invoerende organisaties). Grijs: niet binnen de looptijd.",
    },
    "read_types": {
        "en": "How many organisations of each type use the innovation, on average over the runs.",
        "nl": "Hoeveel organisaties van elk type de innovatie gebruiken, gemiddeld over de simulaties.",
    },
    "h_method": {"en": "How these numbers were produced", "nl": "Hoe deze cijfers tot stand kwamen"},
    "method_text": {
        "en": "An agent-based simulation of every care organisation in the region (diffusion-sim {version}). Each scenario "
              "was run {reps} times over {months} months from {start}; run i of every scenario uses the same random numbers "
              "(seed {seed}), so the scenarios are compared under the same circumstances. Figures show medians with the "
              "range of the middle 50% and 90% of runs.",
        "nl": "Een agent-gebaseerde simulatie van alle zorgorganisaties in de regio (diffusion-sim {version}). Elk scenario "
              "is {reps} keer doorgerekend over {months} maanden vanaf {start}; simulatie i van elk scenario gebruikt dezelfde "
              "toevalsgetallen (startwaarde {seed}), zodat de scenario's onder dezelfde omstandigheden worden vergeleken. De "
              "figuren tonen medianen met de spreiding van de middelste 50% en 90% van de simulaties.",
    },
    "m_scenario_file": {"en": "Scenario file: {name}", "nl": "Scenariobestand: {name}"},
    "m_reps": {"en": "Runs per scenario", "nl": "Simulaties per scenario"},
    "m_horizon": {"en": "Horizon", "nl": "Looptijd"},
    "m_seed": {"en": "Seed", "nl": "Startwaarde toevalsgenerator"},
    "m_version": {"en": "Software version", "nl": "Softwareversie"},
    "m_created": {"en": "Computed on", "nl": "Berekend op"},
    "m_command": {"en": "Command", "nl": "Opdracht"},
    "m_folder": {"en": "Results folder", "nl": "Resultatenmap"},
    "m_orgs": {"en": "Organisations in the region", "nl": "Organisaties in de regio"},
    "footer": {
        "en": "Made with diffusion-sim {version}. Figures can be copied as they are; the figures folder beside this report "
              "holds them as 300 dpi PNG and vector files.",
        "nl": "Gemaakt met diffusion-sim {version}. De figuren mogen zo worden overgenomen; de map met figuren naast dit "
              "rapport bevat ze als PNG (300 dpi) en vectorbestand.",
    },
    "page": {"en": "page {n}", "nl": "pagina {n}"},
    # headline sentences
    "hl_reach": {
        "en": "{lead}, the innovation reaches a median of {n} more patients in the first year (90% interval {range}){against}.",
        "nl": "{lead} bereikt de innovatie in het eerste jaar een mediaan van {n} extra patiënten (90%-interval {range}){against}.",
    },
    "hl_against": {"en": ", against {m} {who}", "nl": ", tegenover {m} {who}"},
    "hl_paired": {
        "en": "Run by run, under the same circumstances, {short} reaches a median of {d} patients more in the first year than "
              "{ref_short} (90% interval {range}).",
        "nl": "Simulatie voor simulatie, onder dezelfde omstandigheden, bereikt {short} in het eerste jaar een mediaan van {d} patiënten "
              "meer dan {ref_short} (90%-interval {range}).",
    },
    "hl_target_reached": {
        "en": "{lead}, 1,000 additional patients are reached after a median of {m} months; {share} of runs reach that within {months} months.",
        "nl": "{lead} zijn na een mediaan van {m} maanden 1.000 extra patiënten bereikt; {share} van de simulaties haalt dat binnen {months} maanden.",
    },
    "hl_target_missed": {
        "en": "{lead}, only {share} of runs reach 1,000 additional patients within {months} months.",
        "nl": "{lead} haalt maar {share} van de simulaties binnen {months} maanden 1.000 extra patiënten.",
    },
    "hl_70_reached": {
        "en": "{lead}, 70% of eligible organisations use it after a median of {m} months.",
        "nl": "{lead} gebruikt 70% van de geschikte organisaties de innovatie na een mediaan van {m} maanden.",
    },
    "hl_70_missed": {
        "en": "{lead}, a median of {share_final} of eligible organisations use it after {months} months; the 70% target is reached in {share} of runs.",
        "nl": "{lead} gebruikt na {months} maanden een mediaan van {share_final} van de geschikte organisaties de innovatie; het doel van 70% wordt in {share} van de simulaties gehaald.",
    },
    "hl_cost": {
        "en": "{lead}, implementation and facilitation cost a median of {cost} over {months} months, or {per} per additional patient reached.",
        "nl": "{lead} kosten implementatie en facilitatie samen een mediaan van {cost} over {months} maanden, ofwel {per} per bereikte extra patiënt.",
    },
}


# the shipped innovation profiles, by their name, as a reader sees them mid-sentence
INNOVATION_LABELS: dict[str, dict[str, str]] = {
    "Home telemonitoring for chronic heart failure": {"en": "home telemonitoring for heart failure", "nl": "thuismonitoring bij hartfalen"},
    "Remote monitoring for COPD": {"en": "remote monitoring for COPD", "nl": "telemonitoring bij COPD"},
    "Structured medication review for older people with polypharmacy": {
        "en": "structured medication review for older people with polypharmacy",
        "nl": "medicatiebeoordeling bij ouderen met polyfarmacie",
    },
}
REGION_LABELS: dict[str, dict[str, str]] = {
    "zuidwest": {"en": "Zeeland and West-Brabant", "nl": "Zeeland en West-Brabant"},
    "rotterdam-rijnmond": {"en": "Rotterdam-Rijnmond", "nl": "Rotterdam-Rijnmond"},
    "nederland": {"en": "the Netherlands", "nl": "Nederland"},
}


def innovation_label(name: str, lang: Lang, start: bool = True) -> str:
    """An innovation's name in ``lang`` (a shipped one is translated; another is shown as given)."""
    label = INNOVATION_LABELS.get(name, {}).get(lang, name)
    return label[:1].upper() + label[1:] if start else label


def subject(innovations: list[str], region: Mapping[str, Any], lang: Lang) -> tuple[str, str]:
    """What a study is about, mid-sentence: the innovation (or how many) and the region (a ``[region]`` table)."""
    if len(innovations) > 1:
        innovation = t("n_innovations", lang, n=len(innovations))
    else:
        innovation = innovation_label(innovations[0], lang, start=False)
    if region.get("municipalities"):
        where = t("n_municipalities", lang, n=len(region["municipalities"]))
    elif region.get("province"):
        where = str(region["province"])
    else:
        preset = str(region.get("preset", "zuidwest"))
        where = REGION_LABELS.get(preset, {}).get(lang, preset)
    return innovation, where


def t(key: str, lang: Lang, **fields: Any) -> str:
    """The text ``key`` in ``lang`` with ``fields`` filled in."""
    text = TEXTS[key][lang]
    return text.format(**fields) if fields else text


# --- headline sentences ------------------------------------------------------------------------


def headline_sentences(numbers: Mapping[str, Any], lang: Lang) -> list[str]:
    """The report's opening sentences, from numbers that ``report.headline_numbers`` computed.

    ``numbers`` holds ``order`` (scenario names, the first is the reference), ``months`` (horizon),
    ``outcomes`` (``{scenario: {outcome: {"median", "low", "high", "reached"}}}``) and ``differences``
    (``{scenario: {outcome: {...}}}`` against the reference, possibly empty). The same numbers fill the
    key-number table, so sentence and table always agree.
    """
    order: list[str] = list(numbers["order"])
    months = int(numbers["months"])
    out: Mapping[str, Mapping[str, Mapping[str, float]]] = numbers["outcomes"]
    diffs: Mapping[str, Mapping[str, Mapping[str, float]]] = numbers.get("differences") or {}
    ref = order[0]
    # name the strategy with the most reach first: "with collaboration ..., against ... on their own"
    others = order[1:]
    lines: list[str] = []

    def reach(name: str) -> tuple[str, str]:
        q = out[name]["patients_12m"]
        rng = fmt_range(fmt_number(q["low"], lang), fmt_number(q["high"], lang), lang)
        return fmt_number(q["median"], lang), rng

    if others:
        for name in others:
            n, rng = reach(name)
            m, _ = reach(ref)
            against = t("hl_against", lang, m=m, who=strategy_text(ref, "against", lang))
            lines.append(t("hl_reach", lang, lead=strategy_text(name, "lead", lang), n=n, range=rng, against=against))
            d = diffs.get(name, {}).get("patients_12m")
            if d is not None and not math.isnan(d["median"]):
                lines.append(t("hl_paired", lang, short=strategy_text(name, "short", lang),
                               ref_short=strategy_text(ref, "short", lang), d=fmt_number(d["median"], lang),
                               range=fmt_range(fmt_number(d["low"], lang), fmt_number(d["high"], lang), lang)))
    else:
        n, rng = reach(ref)
        lines.append(t("hl_reach", lang, lead=strategy_text(ref, "lead", lang), n=n, range=rng, against=""))

    for name in [*others, ref]:
        q = out[name]["months_to_1000_patients"]
        share = fmt_percent(q["reached"], lang)
        lead = strategy_text(name, "lead", lang)
        if math.isfinite(q["median"]):
            lines.append(t("hl_target_reached", lang, lead=lead, m=fmt_number(q["median"], lang), share=share, months=months))
        else:
            lines.append(t("hl_target_missed", lang, lead=lead, share=share, months=months))
    for name in [*others, ref]:
        q = out[name]["months_to_70pct"]
        lead = strategy_text(name, "lead", lang)
        if math.isfinite(q["median"]):
            lines.append(t("hl_70_reached", lang, lead=lead, m=fmt_number(q["median"], lang)))
        else:
            lines.append(t("hl_70_missed", lang, lead=lead, months=months, share=fmt_percent(q["reached"], lang),
                           share_final=fmt_percent(out[name]["share_adopted_final"]["median"], lang)))
    for name in [*others, ref]:
        cost = out[name]["total_cost_eur"]["median"]
        per = out[name]["cost_per_patient_eur"]["median"]
        lines.append(t("hl_cost", lang, lead=strategy_text(name, "lead", lang), cost=fmt_eur(cost, lang), months=months,
                       per=fmt_eur(per, lang)))
    return [_capitalise(s) for s in lines]


def _capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


# --- key assumptions ---------------------------------------------------------------------------

# The parameters a reader of a proposal asks about first. The English source is the parameter's own
# description in params.py ("unit; source"); the Dutch one is written here, and a test checks that it
# names the same years and says "aanname" ("afgeleid") exactly where the English says ASSUMPTION (DERIVED).
# kind: how to show the value ("share", "eur", "months", "rate", "count", "bool", "factor")
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
        "nl_source": "ziekenhuizen 20–40% (aanname, DOMAIN.md §7); huisarts en thuiszorg aanname",
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
    "facilitation.budget_eur_per_year": {
        "kind": "eur", "suffix": "per_year",
        "en": "Budget of the regional team", "nl": "Budget van het regionale team",
        "nl_source": "10.000 (projectvoorstel Multinnoveren); 0 bij zelfstandig opschalen",
    },
    "facilitation.support_capacity_per_month": {
        "kind": "count",
        "en": "Organisations the team supports at once", "nl": "Organisaties die het team tegelijk ondersteunt",
        "nl_source": "aanname (ongeveer 6 leden in deeltijd)",
    },
    "facilitation.support_failure_reduction": {
        "kind": "share",
        "en": "Fewer failed implementations with support", "nl": "Minder mislukte implementaties met ondersteuning",
        "nl_source": "aanname (context: Wells e.a. 2018, 83% van de verbetertrajecten verbeterde een maat, weinig blijvend)",
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
        text = fmt_number(v, lang, 0 if v == int(v) else 1)
    if spec.get("suffix"):
        text += f" {TEXTS[spec['suffix']][lang]}"
    return text


# ==============================================================================================
# --- explorer (issue 8): the browser page's own words -------------------------------------------
# Added by the explorer's engineer; everything else on the page reuses the texts above (outcome
# labels, headline sentences, figure titles, state and type labels, KEY_ASSUMPTIONS for levers).
# ==============================================================================================

# Levers that KEY_ASSUMPTIONS does not name: label and, for the hover, the Dutch version of the
# source that params.py gives in English (a test checks "aanname" where the English says ASSUMPTION).
EXPLORER_LEVERS: dict[str, dict[str, Any]] = {
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
    "facilitation.support_knowhow": {
        "kind": "share",
        "en": "Know-how gap the team closes", "nl": "Kennistekort dat het team wegneemt",
        "nl_source": "aanname",
    },
    "facilitation.support_time_reduction": {
        "kind": "share",
        "en": "Shorter decisions and implementations with support", "nl": "Kortere besluitvorming en invoering met ondersteuning",
        "nl_source": "aanname",
    },
    "facilitation.event_awareness": {
        "kind": "share",
        "en": "Chance a meeting reaches an unaware organisation", "nl": "Kans dat een bijeenkomst een onwetende organisatie bereikt",
        "nl_source": "aanname",
    },
    "facilitation.broker_ties_per_month": {
        "kind": "count",
        "en": "Introductions the team brokers per month", "nl": "Introducties die het team per maand legt",
        "nl_source": "aanname",
    },
    "facilitation.support_cost_eur_per_month": {
        "kind": "eur",
        "en": "Cost per supported organisation per month", "nl": "Kosten per ondersteunde organisatie per maand",
        "nl_source": "aanname: uren van facilitatoren en materiaal",
    },
}

BARRIER_LABELS: dict[str, dict[str, str]] = {
    "financial": {"en": "cost against its financial room", "nl": "kosten tegenover de financiële ruimte"},
    "knowhow": {"en": "missing know-how", "nl": "ontbrekende kennis"},
    "staff": {"en": "no free staff time", "nl": "geen vrije personeelstijd"},
    "fit": {"en": "poor fit: few patients", "nl": "past slecht: weinig patiënten"},
}

EXPLORER_TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Scenario explorer: scaling up {innovation} in {region}",
              "nl": "Scenarioverkenner: opschalen van {innovation} in {region}"},
    "levers": {"en": "Levers", "nl": "Knoppen"},
    "team": {"en": "Regional team: only {strategy}", "nl": "Regionaal team: alleen {strategy}"},
    "shared": {"en": "Insurer and horizon: both strategies", "nl": "Zorgverzekeraar en looptijd: beide strategieën"},
    "advanced": {"en": "Advanced: uncertain model assumptions", "nl": "Geavanceerd: onzekere modelaannames"},
    "advanced_note": {
        "en": "These stay at their defaults unless you change them here. Every value is checked against the parameter schema.",
        "nl": "Deze blijven op hun standaardwaarde tenzij u ze hier wijzigt. Elke waarde wordt gecontroleerd tegen het parameterschema.",
    },
    "reset": {"en": "Back to the starting values", "nl": "Terug naar de beginwaarden"},
    "default_source": {"en": "Default {value}. Source: {source}", "nl": "Standaard {value}. Bron: {source}"},
    "month_value": {"en": "month {m} ({label})", "nl": "maand {m} ({label})"},
    "running": {"en": "Computing: {done} of {total} runs", "nl": "Bezig: {done} van {total} simulaties"},
    "drawing": {"en": "Drawing the figures", "nl": "De figuren worden getekend"},
    "starting": {"en": "Starting the computation", "nl": "De berekening start"},
    "ready": {
        "en": "Updated in {seconds} s: {reps} runs per strategy, both with the same random numbers",
        "nl": "Bijgewerkt in {seconds} s: {reps} simulaties per strategie, beide met dezelfde toevalsgetallen",
    },
    "stale": {"en": "The figures still show the previous settings.", "nl": "De figuren tonen nog de vorige instellingen."},
    "invalid": {"en": "These settings cannot be run: {detail}", "nl": "Deze instellingen kunnen niet worden doorgerekend: {detail}"},
    "invalid_value": {"en": "{label}: {value} is not allowed", "nl": "{label}: {value} is niet toegestaan"},
    "invalid_combination": {"en": "this combination of values is not allowed", "nl": "deze combinatie van waarden is niet toegestaan"},
    "technical": {"en": "Technical message", "nl": "Technische melding"},
    "failed": {"en": "The computation failed: {message}", "nl": "De berekening is mislukt: {message}"},
    "after_horizon": {
        "en": "Reimbursement from month {m} falls after the horizon of {months} months, so it has no effect.",
        "nl": "Vergoeding vanaf maand {m} valt na de looptijd van {months} maanden en heeft dus geen effect.",
    },
    "key_numbers": {"en": "Key numbers", "nl": "Kerncijfers"},
    "chance_12": {"en": "Chance of 1,000 additional patients within 12 months",
                  "nl": "Kans op 1.000 extra patiënten binnen 12 maanden"},
    "median_note": {"en": "median (90% of runs)", "nl": "mediaan (90% van de simulaties)"},
    "share_of_runs": {"en": "share of runs", "nl": "deel van de simulaties"},
    "map_title": {"en": "The region in {label} (month {m}), a typical run", "nl": "De regio in {label} (maand {m}), een typische simulatie"},
    "map_month": {"en": "Month shown", "nl": "Getoonde maand"},
    "map_show": {"en": "Strategy on the map", "nl": "Strategie op de kaart"},
    "map_click": {"en": "Click an organisation to read its story.", "nl": "Klik op een organisatie om haar verhaal te lezen."},
    "map_eligible": {"en": "{n} organisations that can use it; others are not shown.",
                     "nl": "{n} organisaties die het kunnen gebruiken; de andere staan niet op de kaart."},
    "map_typical": {"en": "Run {rep}: the median number of organisations adopted it ({n}).",
                    "nl": "Simulatie {rep}: het middelste aantal organisaties voerde het in ({n})."},
    "map_computing": {"en": "Drawing the map", "nl": "De kaart wordt getekend"},
    "story_title": {"en": "One organisation's story", "nl": "Het verhaal van één organisatie"},
    "story_none": {"en": "Click a dot on the map.", "nl": "Klik op een stip op de kaart."},
    "story_size": {"en": "Patients or clients", "nl": "Patiënten of cliënten"},
    "story_target": {"en": "In the target group at full use", "nl": "Uit de doelgroep bij volledig gebruik"},
    "story_municipality": {"en": "Municipality", "nl": "Gemeente"},
    "story_state_at": {"en": "In month {m}", "nl": "In maand {m}"},
    "story_at_end": {"en": "At the end (month {m})", "nl": "Aan het eind (maand {m})"},
    "story_events": {"en": "What happened", "nl": "Wat er gebeurde"},
    "story_nothing": {"en": "Nothing happened within {months} months.", "nl": "Er gebeurde niets binnen {months} maanden."},
    "story_origin": {"en": "The first user: it runs the innovation from the start.",
                     "nl": "De eerste gebruiker: die werkt er vanaf het begin mee."},
    "story_why": {"en": "Main reason to reject it: {barrier}", "nl": "Belangrijkste reden om het af te wijzen: {barrier}"},
    "story_later": {"en": "after the month shown", "nl": "na de getoonde maand"},
    "ev_aware": {"en": "heard of it", "nl": "hoorde ervan"},
    "ev_deciding": {"en": "started to decide", "nl": "begon te beslissen"},
    "ev_implementing": {"en": "decided to implement it", "nl": "besloot het in te voeren"},
    "ev_adopted": {"en": "uses it routinely", "nl": "gebruikt het routinematig"},
    "ev_rejected": {"en": "rejected it", "nl": "wees het af"},
    "ev_failed": {"en": "its implementation failed", "nl": "de invoering mislukte"},
    "ev_discontinued": {"en": "stopped using it", "nl": "stopte ermee"},
    "export": {"en": "Export", "nl": "Exporteren"},
    "export_scenario": {"en": "Scenario file ({name}) for diffusion-sim run", "nl": "Scenariobestand ({name}) voor diffusion-sim run"},
    "export_numbers": {"en": "Outcomes per run (CSV)", "nl": "Uitkomsten per simulatie (CSV)"},
    "export_figures": {"en": "Figures as in the report", "nl": "Figuren zoals in het rapport"},
    "export_note": {
        "en": "diffusion-sim compare with both scenario files gives the numbers on this page.",
        "nl": "diffusion-sim compare met beide scenariobestanden geeft de cijfers op deze pagina.",
    },
    "map_figure": {"en": "Map", "nl": "Kaart"},
}


def ex(key: str, lang: Lang, **fields: Any) -> str:
    """The explorer's text ``key`` in ``lang`` with ``fields`` filled in."""
    text = EXPLORER_TEXTS[key][lang]
    return text.format(**fields) if fields else text


# --- end explorer (issue 8) ---------------------------------------------------------------------
