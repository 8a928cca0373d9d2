"""Labels and sentences in Dutch and English: organisation types, states, strategies, outcomes, headlines.

Figures, the report and the explorer take their words from here, so a label or a headline sentence
reads the same everywhere and a Dutch page has no English left in it. Numbers inside sentences are
formatted by :mod:`diffusion_sim.publish.formats`.

Nothing here computes results. :func:`headline_sentences` turns numbers that
:mod:`diffusion_sim.analysis.summary` computed (see :func:`diffusion_sim.publish.report.document.headline_numbers`)
into plain sentences.
"""

# ruff: noqa: E501  (tables of sentences read best one entry per line)
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from diffusion_sim.analysis.claims import CHANCE_WANTED, SEARCHED_CLAIMS
from diffusion_sim.analysis.claims import likelihood as likelihood_key
from diffusion_sim.innovations import profile_data
from diffusion_sim.outcomes import (
    ADOPTION_TARGET,
    MONTHS_TO_ADOPTION,
    MONTHS_TO_PATIENTS,
    PATIENT_TARGET,
    PATIENT_TARGET_MONTH,
    PATIENTS_IN_USE,
    PATIENTS_IN_YEAR,
)
from diffusion_sim.publish.formats import FORMAT_WORDS, Lang, fmt_eur, fmt_number, fmt_percent, fmt_range

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
    "deciding": {"en": "deciding", "nl": "in besluitvorming"},
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
    PATIENTS_IN_YEAR: {"en": "Additional patients reached in the first {target_months} months", "nl": "Extra patiënten bereikt in de eerste {target_months} maanden"},
    "patients_final": {"en": "Additional patients reached by the end ({months} months)", "nl": "Extra patiënten bereikt aan het eind ({months} maanden)"},
    "share_adopted_final": {"en": "Eligible organisations using it at the end", "nl": "Geschikte organisaties die het aan het eind gebruiken"},
    "adopted_beyond_origin": {"en": "Organisations that adopted it (besides the first)", "nl": "Organisaties die het invoerden (naast de eerste)"},
    MONTHS_TO_PATIENTS: {"en": "Months until {target} additional patients", "nl": "Maanden tot {target} extra patiënten"},
    MONTHS_TO_ADOPTION: {"en": "Months until {target_share} of eligible organisations use it", "nl": "Maanden tot {target_share} van de geschikte organisaties het gebruikt"},
    PATIENTS_IN_USE: {"en": "Additional patients on it in month {target_months}", "nl": "Extra patiënten die het gebruiken in maand {target_months}"},
    "cost_all_payers_eur": {"en": "Cost, all payers (set-up, running, regional team incl. its time)",
                            "nl": "Kosten, alle betalers (invoering, gebruik, regionaal team incl. zijn tijd)"},
    "cost_per_patient_eur": {"en": "Cost per additional patient reached, all payers", "nl": "Kosten per bereikte extra patiënt, alle betalers"},
}

# The costs by payer (report appendix), and the set-up per organisation that took it up.
COST_LABELS: dict[str, dict[str, str]] = {
    "cost_organisations_eur": {"en": "Care organisations (set-up and running, net of reimbursement)",
                               "nl": "Zorgorganisaties (invoering en gebruik, na vergoeding)"},
    "cost_insurer_eur": {"en": "Insurer (its share of set-up, and running costs while it reimburses)",
                         "nl": "Zorgverzekeraar (zijn deel van de invoering, en het gebruik zolang hij vergoedt)"},
    "cost_team_eur": {"en": "Regional team (budget spent, and its people's time in kind)",
                      "nl": "Regionaal team (besteed budget, en de tijd van zijn mensen in natura)"},
    "cost_all_payers_eur": {"en": "All payers", "nl": "Alle betalers"},
    "running_cost_eur": {"en": "of which running costs of the additional patients", "nl": "waarvan gebruikskosten van de extra patiënten"},
    "setup_cost_per_adopter_eur": {"en": "Set-up cost per organisation that took it up", "nl": "Invoeringskosten per organisatie die begon"},
    "setup_months_per_adopter": {"en": "Months from decision to routine use, per organisation", "nl": "Maanden van besluit tot routine, per organisatie"},
}

# Every point outcome of a sweep, a sensitivity analysis or a calibration (outcomes.point_names, same keys; a
# test keeps them in step), as its tables and figures name it.
POINT_LABELS: dict[str, dict[str, str]] = {
    PATIENTS_IN_YEAR: {"en": "Additional patients reached in the first {target_months} months", "nl": "Extra patiënten bereikt in de eerste {target_months} maanden"},
    "patients_final": {"en": "Additional patients reached by the end", "nl": "Extra patiënten bereikt aan het eind"},
    "share_adopted_final": {"en": "Eligible organisations using it at the end", "nl": "Geschikte organisaties die het aan het eind gebruiken"},
    "adopted_beyond_origin": {"en": "Organisations that adopted it (besides the first)", "nl": "Organisaties die het invoerden (naast de eerste)"},
    "spread_beyond_origin": {"en": "Runs in which it spread beyond the first user", "nl": "Simulaties waarin het zich verder verspreidde dan de eerste gebruiker"},
    MONTHS_TO_PATIENTS: {"en": "Months until {target} additional patients (not reached: horizon + 1)", "nl": "Maanden tot {target} extra patiënten (niet bereikt: looptijd + 1)"},
    "reached_1000_patients": {"en": "Runs reaching {target} additional patients", "nl": "Simulaties die {target} extra patiënten bereiken"},
    MONTHS_TO_ADOPTION: {"en": "Months until {target_share} of eligible organisations use it (not reached: horizon + 1)", "nl": "Maanden tot {target_share} van de geschikte organisaties het gebruikt (niet bereikt: looptijd + 1)"},
    "reached_70pct": {"en": "Runs reaching {target_share} of eligible organisations", "nl": "Simulaties die {target_share} van de geschikte organisaties bereiken"},
    "total_cost_eur": {"en": "Implementation + facilitation cost", "nl": "Implementatie- plus facilitatiekosten"},
    "cost_per_patient_eur": {"en": "Cost per additional patient reached", "nl": "Kosten per bereikte extra patiënt"},
}

# The analyses' tables and figures (sweep, sensitivity, regions, calibrate).
ANALYSIS_TEXTS: dict[str, dict[str, str]] = {
    "sweep_title": {"en": "Sweep: mean over runs ± Monte Carlo standard error", "nl": "Parameterstudie: gemiddelde over de simulaties ± Monte-Carlo-standaardfout"},
    "sweep_more": {"en": "… {n} more points in points.csv", "nl": "… nog {n} punten in points.csv"},
    "sweep_fig_title": {"en": "{outcome}: {reps} runs per point{averaged}", "nl": "{outcome}: {reps} simulaties per punt{averaged}"},
    "sweep_averaged": {"en": " (averaged over the other varied parameters)", "nl": " (gemiddeld over de andere gevarieerde parameters)"},
    "sweep_note_grid": {"en": "lines: mean over runs; dark band: 95% CI of the mean; light band: 5–95% of single runs",
                        "nl": "lijnen: gemiddelde over de simulaties; donkere band: 95%-BI van het gemiddelde; lichte band: 5–95% van afzonderlijke simulaties"},
    "sweep_note_lhs": {"en": "dots: mean per design point with its 95% CI", "nl": "stippen: gemiddelde per ontwerppunt met 95%-BI"},
    "sweep_mean": {"en": "mean", "nl": "gemiddelde"},
    "sweep_point_mean": {"en": "point mean ± 95% CI", "nl": "gemiddelde per punt ± 95%-BI"},
    "heatmap_title": {"en": "{outcome}: mean over runs{extra}", "nl": "{outcome}: gemiddelde over de simulaties{extra}"},
    "heatmap_extra": {"en": " (mean over the other varied parameters)", "nl": " (gemiddeld over de andere gevarieerde parameters)"},
    "off": {"en": "off", "nl": "uit"},
    "on": {"en": "on", "nl": "aan"},
    "sens_title": {"en": "{outcome}: {metric} with 95% CI (share of chance: {noise})", "nl": "{outcome}: {metric} met 95%-BI (aandeel toeval: {noise})"},
    "sens_no_variation": {"en": "none: no variation", "nl": "geen: geen variatie"},
    "col_rank": {"en": "rank", "nl": "rang"},
    "col_parameter": {"en": "parameter", "nl": "parameter"},
    "col_ci": {"en": "95% CI", "nl": "95%-BI"},
    "col_separated": {"en": "separated from the next", "nl": "gescheiden van de volgende"},
    "sens_fig_title": {"en": "Sensitivity ({method}), ranked", "nl": "Gevoeligheid ({method}), gerangschikt"},
    "sens_morris": {"en": "Morris elementary effects", "nl": "Morris, elementaire effecten"},
    "sens_sobol": {"en": "Sobol' indices", "nl": "Sobol-indices"},
    "sens_mu_axis": {"en": "μ* (mean |elementary effect|, ± 95% CI)", "nl": "μ* (gemiddeld |elementair effect|, ± 95%-BI)"},
    "sens_sobol_axis": {"en": "Sobol' index", "nl": "Sobol-index"},
    "sens_s1": {"en": "first order S1", "nl": "eerste orde S1"},
    "sens_st": {"en": "total ST ± 95% CI", "nl": "totaal ST ± 95%-BI"},
    "sens_flat": {"en": "no variation in this outcome\nover the sampled ranges", "nl": "geen variatie in deze uitkomst\nbinnen de bemonsterde bereiken"},
    "cal_title": {"en": "Calibration: target and what the fitted values give (mean ± Monte Carlo standard error)",
                  "nl": "Kalibratie: doel en wat de gevonden waarden geven (gemiddelde ± Monte-Carlo-standaardfout)"},
    "col_target": {"en": "target", "nl": "doel"},
    "col_target_value": {"en": "value", "nl": "waarde"},
    "col_fitting_runs": {"en": "fitting runs", "nl": "simulaties bij het fitten"},
    "col_fresh_runs": {"en": "fresh runs", "nl": "nieuwe simulaties"},
    "col_off_by": {"en": "off by", "nl": "afwijking"},
    "col_within": {"en": "reached", "nl": "bereikt"},
    "cal_fig_title": {"en": "Calibration: every evaluated point", "nl": "Kalibratie: elk doorgerekend punt"},
    "cal_evaluated": {"en": "evaluated (± 95% CI)", "nl": "doorgerekend (± 95%-BI)"},
    "cal_target": {"en": "target {value}", "nl": "doel {value}"},
    "cal_best": {"en": "best fit", "nl": "beste fit"},
    "cal_not_reached": {"en": "NOT CALIBRATED: the best fit misses its target", "nl": "NIET GEKALIBREERD: de beste fit mist het doel"},
    "reg_title": {"en": "{region}: {inhabitants} inhabitants, {eligible} eligible organisations, first user in {origin}",
                  "nl": "{region}: {inhabitants} inwoners, {eligible} geschikte organisaties, eerste gebruiker in {origin}"},
    "reg_moved": {"en": " (moved into the region)", "nl": " (naar de regio verplaatst)"},
    "reg_outcomes": {"en": "median (90% interval) over runs", "nl": "mediaan (90%-interval) over de simulaties"},
    "reg_paired": {"en": "{name} minus {ref}, paired by run", "nl": "{name} min {ref}, per simulatie gepaard"},
    "reg_per_eur": {"en": "Patients reached per €1,000", "nl": "Bereikte patiënten per € 1.000"},
    "reg_per_100k": {"en": "Patients by the end per 100,000 inhabitants", "nl": "Patiënten aan het eind per 100.000 inwoners"},
    "reg_extra_per_eur": {"en": "Extra patients per extra €1,000", "nl": "Extra patiënten per extra € 1.000"},
    "reg_saved_patients": {"en": "Months saved to {target} additional patients", "nl": "Maanden eerder {target} extra patiënten"},
    "reg_saved_70": {"en": "Months saved to {target_share} of eligible organisations", "nl": "Maanden eerder {target_share} van de geschikte organisaties"},
    "reg_extra_patients": {"en": "Extra patients by the end", "nl": "Extra patiënten aan het eind"},
    "reg_extra_cost": {"en": "Extra cost", "nl": "Extra kosten"},
    "reg_reach_it": {"en": "{share} reach it", "nl": "{share} haalt het"},
    "reg_neither": {"en": "neither reaches it", "nl": "geen van beide haalt het"},
    "reg_never": {"en": "never", "nl": "nooit"},
    "reg_fig_title": {"en": "The same strategy in several regions", "nl": "Dezelfde strategie in meerdere regio's"},
    "reg_fig_reach": {"en": "Reach per euro", "nl": "Bereik per euro"},
    "reg_fig_reach_x": {"en": "Additional patients reached by month {months}\nper €1,000 spent\n(implementation + facilitation)",
                        "nl": "Extra bereikte patiënten tot maand {months}\nper € 1.000 uitgegeven\n(implementatie + facilitatie)"},
    "reg_fig_extra": {"en": "Value of extra spending", "nl": "Opbrengst extra geld"},
    "reg_fig_extra_x": {"en": "Extra patients per\nextra €1,000\n({names}\nminus {ref},\npaired by run)",
                        "nl": "Extra patiënten per\nextra € 1.000\n({names}\nmin {ref},\nper simulatie gepaard)"},
    "reg_fig_legend": {"en": "Median (circle) and 90% interval (whiskers) over runs:", "nl": "Mediaan (cirkel) en 90%-interval (snorren) over de simulaties:"},
    "reg_fig_region": {"en": "{name}\n{size} inhabitants\nfirst user: {origin}", "nl": "{name}\n{size} inwoners\neerste gebruiker: {origin}"},
    "reg_fig_moved": {"en": " (moved)", "nl": " (verplaatst)"},
    "reg_fig_caption": {"en": "{reps} runs per scenario and region (common random numbers), seed {seed}, {months} months; diffusion-sim {version}",
                        "nl": "{reps} simulaties per scenario en regio (gelijke toevalsgetallen), startwaarde {seed}, {months} maanden; diffusion-sim {version}"},
    "million": {"en": "{n} million", "nl": "{n} miljoen"},
    "thousand": {"en": "{n} thousand", "nl": "{n} duizend"},
}

# Plain strings, keyed by what they are for; ``{name}`` fields are filled with str.format.
TEXTS: dict[str, dict[str, str]] = {
    # numbers and ranges (and the words of the number formats)
    **FORMAT_WORDS,
    "month_axis": {"en": "Months since the start ({start})", "nl": "Maanden sinds de start ({start})"},
    "months_unit": {"en": "months", "nl": "maanden"},
    "month_unit": {"en": "month", "nl": "maand"},
    "per_year": {"en": "per year", "nl": "per jaar"},
    "yes": {"en": "yes", "nl": "ja"},
    "no": {"en": "no", "nl": "nee"},
    # figure titles and axes
    "fig_adoption_title": {"en": "Adoption over time", "nl": "Invoering door de tijd"},
    "fig_adoption_y": {"en": "Eligible organisations using it (%)", "nl": "Geschikte organisaties die het gebruiken (%)"},
    "target_70": {"en": "Target: {target_share} of eligible organisations", "nl": "Doel: {target_share} van de geschikte organisaties"},
    "band_median": {"en": "median", "nl": "mediaan"},
    "band_50": {"en": "50% of runs", "nl": "50% van de simulaties"},
    "band_90": {"en": "90% of runs", "nl": "90% van de simulaties"},
    "fig_patients_title": {"en": "Patients reached over time (cumulative)", "nl": "Bereikte patiënten door de tijd (cumulatief)"},
    "fig_patients_y": {"en": "Additional patients reached (patients)", "nl": "Extra bereikte patiënten (aantal)"},
    "target_1000": {"en": "Target: {target} more patients in the first {target_months} months", "nl": "Doel: {target} extra patiënten in de eerste {target_months} maanden"},
    "fig_targets_title": {"en": "Time to reach the targets", "nl": "Tijd tot de doelen bereikt zijn"},
    "fig_targets_y": {"en": "Runs that reached the target (%)", "nl": "Simulaties die het doel bereikten (%)"},
    "panel_1000": {"en": "{target} additional patients", "nl": "{target} extra patiënten"},
    "panel_70": {"en": "{target_share} of eligible organisations", "nl": "{target_share} van de geschikte organisaties"},
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
    "reached_70_in": {"en": "{target_share} reached in {share} of runs", "nl": "{target_share} bereikt in {share} van de simulaties"},
    "inn_eligible": {"en": "{n} organisations with the target group", "nl": "{n} organisaties met de doelgroep"},
    "innovations_note": {
        "en": "Each innovation of the portfolio at the end ({months} months): median over the runs with the 90% interval, "
              "and how often it reached {target_share} of the organisations with its target group. The key numbers above add the "
              "innovations up; there, {target_share} is reached when every innovation has reached it.",
        "nl": "Elke innovatie van het portfolio aan het eind ({months} maanden): mediaan over de simulaties met het 90%-interval, "
              "en hoe vaak ze {target_share} van de organisaties met haar doelgroep bereikte. De kerncijfers hierboven tellen de innovaties "
              "op; daar is {target_share} bereikt wanneer elke innovatie het heeft bereikt.",
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
    "mc_small": {"en": "MC error ±{mcse}", "nl": "MC-fout ±{mcse}"},
    "parts_small": {"en": "parameters {share} of the spread · MC error ±{mcse}",
                    "nl": "parameters {share} van de spreiding · MC-fout ±{mcse}"},
    "parts_note": {
        "en": "Each run drew its uncertain parameters ({draws} draws, {per_draw} runs each, the same draw in every strategy), so "
              "the intervals hold both parameter uncertainty and chance. The small line gives the share of the spread due "
              "to the parameters (what better evidence could remove; the rest is chance) and the Monte Carlo error of the "
              "median (what more runs would remove). This is a projection under the stated assumptions, not a forecast.",
        "nl": "Elke simulatie trok haar onzekere parameters ({draws} trekkingen, elk {per_draw} simulaties, dezelfde trekking in "
              "elke strategie), dus de intervallen bevatten zowel parameteronzekerheid als toeval. De kleine regel geeft het "
              "deel van de spreiding dat door de parameters komt (wat beter bewijs kan wegnemen; de rest is toeval) en de "
              "Monte-Carlofout van de mediaan (wat meer simulaties wegnemen). Dit is een projectie onder de genoemde aannames, "
              "geen voorspelling.",
    },
    "chance_only_note": {
        "en": "The parameters were held at their central values: the intervals show chance only, not how unsure the "
              "parameters are. This is a projection under the stated assumptions, not a forecast.",
        "nl": "De parameters stonden vast op hun centrale waarden: de intervallen tonen alleen toeval, niet hoe onzeker de "
              "parameters zijn. Dit is een projectie onder de genoemde aannames, geen voorspelling.",
    },
    "team_sentence": {
        "en": "{lead}, the team gives {hours} hours in {months} months in kind (worth {in_kind}) and spends {spent}, "
              "leaving {unspent} of its budget unspent; {binding} (medians over the runs).",
        "nl": "{lead} geeft het team {hours} uur in {months} maanden in natura (waard {in_kind}) en besteedt het {spent}; "
              "{unspent} van het budget blijft over; {binding} (medianen over de simulaties).",
    },
    "team_time_binds": {"en": "its people's time, not its money, limits how many organisations it can support, in {n} of "
                              "{months} months", "nl": "de tijd van de mensen, niet het geld, beperkt hoeveel organisaties "
                              "het kan steunen, in {n} van de {months} maanden"},
    "team_money_binds": {"en": "its money, not its people's time, limits how many organisations it can support, in {n} of "
                               "{months} months", "nl": "het geld, niet de tijd van de mensen, beperkt hoeveel "
                               "organisaties het kan steunen, in {n} van de {months} maanden"},
    "team_neither_binds": {"en": "its time and its money allow equally many organisations",
                           "nl": "tijd en geld laten evenveel organisaties toe"},
    # the claims (page 1)
    "h_claims": {"en": "The initiative's claims, tested", "nl": "De claims van het initiatief, getoetst"},
    "col_claim": {"en": "Claim", "nl": "Claim"},
    "col_chance": {"en": "Chance it holds", "nl": "Kans dat het klopt"},
    "col_finding": {"en": "What the model finds", "nl": "Wat het model vindt"},
    "col_takes": {"en": "What it would take", "nl": "Wat ervoor nodig is"},
    "claim_patients_in_year": {"en": "Within {target_months} months at least {target} more patients get it (beyond the first organisation)",
                               "nl": "Binnen {target_months} maanden krijgen minstens {target} extra patiënten het (buiten de eerste organisatie)"},
    "claim_adoption_target": {"en": "{target_share} of the organisations with the target group use it",
                              "nl": "{target_share} van de organisaties met de doelgroep gebruikt het"},
    "claim_adoption_target_portfolio": {"en": "Every innovation reaches {target_share} of the organisations with its target group",
                                        "nl": "Elke innovatie bereikt {target_share} van de organisaties met haar doelgroep"},
    "claim_scale_ups": {"en": "More scale-ups succeed than the 35% that reach the patient today",
                        "nl": "Meer opschalingen slagen dan de 35% die nu de patiënt bereikt"},
    "claim_time_and_cost": {"en": "Organisations that take it up spend less set-up time and money",
                            "nl": "Organisaties die het invoeren besteden minder invoeringstijd en -geld"},
    "chance_cell": {"en": "{words}: {chance} of runs ({low}–{high})", "nl": "{words}: {chance} van de simulaties ({low}–{high})"},
    "find_patients_in_year": {"en": "Patients newly reached in {target_months} months: {n} (90%: {low}–{high}); on it in month {target_months}: {in_use}; runs reaching {target} within {months} months: {reached}",
                              "nl": "Patiënten nieuw bereikt in {target_months} maanden: {n} (90%: {low}–{high}); in gebruik in maand {target_months}: {in_use}; simulaties die {target} halen binnen {months} maanden: {reached}"},
    "find_adoption_target": {"en": "{share} of the organisations use it after {months} months (90%: {low}–{high}), {gap} short of {target_share}",
                             "nl": "{share} van de organisaties gebruikt het na {months} maanden (90%: {low}–{high}), {gap} onder {target_share}"},
    "find_adoption_reached": {"en": "{share} of the organisations use it after {months} months (90%: {low}–{high}); {target_share} reached in month {month} (median)",
                              "nl": "{share} van de organisaties gebruikt het na {months} maanden (90%: {low}–{high}); {target_share} bereikt in maand {month} (mediaan)"},
    "find_innovation": {"en": "{name}: {chance} chance; {share} use it, {gap} short", "nl": "{name}: kans {chance}; {share} gebruikt het, {gap} te weinig"},
    "find_time_and_cost": {"en": "Per organisation that took it up: set-up cost {cost} (90%: {low}–{high}) and {months} months (90%: {mlow}–{mhigh}) against {ref}; within {horizon} months the first {target} patients come {saved} months sooner on average",
                           "nl": "Per organisatie die begon: invoeringskosten {cost} (90%: {low}–{high}) en {months} maanden (90%: {mlow}–{mhigh}) t.o.v. {ref}; binnen {horizon} maanden komen de eerste {target} patiënten gemiddeld {saved} maanden eerder"},
    "find_scale_ups": {"en": "{iso} of innovations succeed alone (calibrated to the initiative's 35%), {col} with the team; difference {diff} points (90%: {low} to {high}), paired over {n} innovations. The size rests on reading the 35% as too little awareness; read as failure and abandonment the gain is about +35 points (docs/population.md)",
                       "nl": "{iso} van de innovaties slaagt alleen (gekalibreerd op de 35% van het initiatief), {col} met het team; verschil {diff} procentpunt (90%: {low} tot {high}), gepaard over {n} innovaties. De grootte berust op het lezen van de 35% als te weinig bekendheid; gelezen als mislukken en stoppen is de winst ongeveer +35 procentpunt (docs/population.md)"},
    "chance_scale_ups": {"en": "{words}: {chance} chance that the share is higher with the team (Monte Carlo, over innovations)",
                         "nl": "{words}: {chance} kans dat het aandeel met het team hoger is (Monte Carlo, over innovaties)"},
    "scale_ups_elsewhere": {"en": "Not a property of one innovation: run diffusion-sim population (docs/population.md)",
                            "nl": "Geen eigenschap van één innovatie: draai diffusion-sim population (docs/population.md)"},
    "takes_met": {"en": "holds already (chance at least {wanted})", "nl": "klopt al (kans minstens {wanted})"},
    "takes_search": {"en": "not searched yet: diffusion-sim what-it-takes {file} --claim {claim}",
                     "nl": "nog niet gezocht: diffusion-sim what-it-takes {file} --claim {claim}"},
    "takes_elsewhere": {"en": "not searched: what-it-takes searches claims 1 and 2; the costs table shows where set-up time and money go",
                        "nl": "niet gezocht: what-it-takes zoekt voor claims 1 en 2; de kostentabel toont waar invoeringstijd en -geld heen gaan"},
    "takes_reachable": {"en": "{setting}: chance {chance} (90%: {low}–{high}), {cost} over {months} months",
                        "nl": "{setting}: kans {chance} (90%: {low}–{high}), {cost} over {months} maanden"},
    "takes_holds": {"en": "holds already, chance {chance} (90%: {low}–{high}) in the search's own runs",
                    "nl": "klopt al, kans {chance} (90%: {low}–{high}) in de eigen simulaties van de zoektocht"},
    "takes_not_reachable": {"en": "not reachable within the levers searched; the closest setting ({setting}) gives a chance of {chance} (90%: {low}–{high})",
                            "nl": "niet haalbaar binnen de onderzochte knoppen; de dichtstbijzijnde instelling ({setting}) geeft een kans van {chance} (90%: {low}–{high})"},
    "takes_undecided": {"en": "the search stopped at its budget of runs before a setting was confirmed",
                        "nl": "de zoektocht stopte bij zijn budget aan simulaties voordat een instelling bevestigd was"},
    "claims_note": {
        "en": "A scenario projection, not a forecast. Each chance is the share of {reps} runs in which the claim holds, with a "
              "90% interval; runs differ by chance and by the uncertain parameters each draws (the fitted evidence and the "
              "priors), so the chances hold both. Words follow the IPCC's calibrated likelihood scale (virtually certain "
              "≥99%, very likely ≥90%, likely ≥66%, about as likely as not 33–66%, unlikely <33%, very unlikely <10%, "
              "exceptionally unlikely <1%). What it would take is searched for claims below {wanted}.",
        "nl": "Een projectie van een scenario, geen voorspelling. Elke kans is het deel van {reps} simulaties waarin de claim "
              "klopt, met een 90%-interval; simulaties verschillen door toeval en door de onzekere parameters die elk trekt "
              "(het gefitte bewijs en de priors), dus de kansen bevatten beide. De woorden volgen de gekalibreerde "
              "waarschijnlijkheidsschaal van het IPCC (vrijwel zeker ≥99%, zeer waarschijnlijk ≥90%, waarschijnlijk ≥66%, even "
              "waarschijnlijk als niet 33–66%, onwaarschijnlijk <33%, zeer onwaarschijnlijk <10%, uitzonderlijk onwaarschijnlijk "
              "<1%). Wat ervoor nodig is, wordt gezocht voor claims onder {wanted}.",
    },
    "claims_scale": {"en": "Words: the IPCC's likelihood scale (very likely >=90%, likely >=66%, about as likely as not "
                           "33-66%, unlikely <33%, very unlikely <10%, exceptionally unlikely <1%).",
                     "nl": "Woorden: de waarschijnlijkheidsschaal van het IPCC (zeer waarschijnlijk >=90%, waarschijnlijk >=66%, "
                           "even waarschijnlijk als niet 33-66%, onwaarschijnlijk <33%, zeer onwaarschijnlijk <10%, "
                           "uitzonderlijk onwaarschijnlijk <1%)."},
    "likelihood_virtually_certain": {"en": "virtually certain", "nl": "vrijwel zeker"},
    "likelihood_very_likely": {"en": "very likely", "nl": "zeer waarschijnlijk"},
    "likelihood_likely": {"en": "likely", "nl": "waarschijnlijk"},
    "likelihood_about_as_likely_as_not": {"en": "about as likely as not", "nl": "even waarschijnlijk als niet"},
    "likelihood_unlikely": {"en": "unlikely", "nl": "onwaarschijnlijk"},
    "likelihood_very_unlikely": {"en": "very unlikely", "nl": "zeer onwaarschijnlijk"},
    "likelihood_exceptionally_unlikely": {"en": "exceptionally unlikely", "nl": "uitzonderlijk onwaarschijnlijk"},
    "likelihood_unknown": {"en": "unknown", "nl": "onbekend"},
    "h_appendix": {"en": "Appendix", "nl": "Bijlage"},
    "h_costs": {"en": "Costs by payer", "nl": "Kosten per betaler"},
    "costs_note": {
        "en": "Medians over the runs, in {months} months. Running costs are counted for the additional patients only (what the "
              "first organisation already runs is the same in every strategy), at {rate} per patient a year "
              "(ASSUMPTION, DOMAIN.md sec. 6); the insurer pays its share of set-up costs and the running costs while it "
              "reimburses (ASSUMPTION); the team's time is valued at {in_kind} an hour.",
        "nl": "Medianen over de simulaties, in {months} maanden. Gebruikskosten tellen alleen voor de extra patiënten (wat de "
              "eerste organisatie al doet, is in elke strategie gelijk), tegen {rate} per patiënt per jaar (aanname, DOMAIN.md "
              "§6); de verzekeraar betaalt zijn deel van de invoering en het gebruik zolang hij vergoedt (aanname); de tijd van "
              "het team telt tegen {in_kind} per uur.",
    },
    "col_payer": {"en": "Who pays", "nl": "Wie betaalt"},
    "h_ranking": {"en": "Which assumption to measure first", "nl": "Welke aanname eerst meten"},
    "col_decision": {"en": "Outcome", "nl": "Uitkomst"},
    "col_rank": {"en": "Most influential parameters: share of the outcome's variance (90% interval)",
                 "nl": "Meest invloedrijke parameters: deel van de variantie van de uitkomst (90%-interval)"},
    "ranking_noise": {"en": "a parameter without effect gets up to {floor} here",
                      "nl": "een parameter zonder effect krijgt hier tot {floor}"},
    "ranking_within": {"en": "within noise", "nl": "binnen de ruis"},
    "ranking_note": {
        "en": "For each outcome the decision turns on, the share of its variance over the {draws} parameter draws that "
              "knowing one parameter exactly would remove (first-order share from a spline metamodel, as in Strong, Oakley "
              "& Brennan 2014), from the runs above, with a bootstrap 90% interval. A share marked 'within noise' cannot be "
              "told from a parameter without effect; more runs narrow it.",
        "nl": "Voor elke uitkomst waar de beslissing om draait: het deel van haar variantie over de {draws} "
              "parametertrekkingen dat verdwijnt als één parameter precies bekend is (eerste-orde-aandeel uit een "
              "spline-metamodel, zoals Strong, Oakley & Brennan 2014), uit de simulaties hierboven, met een bootstrap-90%-"
              "interval. Een aandeel gemarkeerd 'binnen de ruis' is niet te onderscheiden van een parameter zonder effect; "
              "meer simulaties maken het scherper.",
    },
    "decision_patients_12m_difference": {"en": "Extra patients in {target_months} months, {name} minus {ref}",
                                         "nl": "Extra patiënten in {target_months} maanden, {name} min {ref}"},
    "decision_patients_final_difference": {"en": "Extra patients by the horizon, {name} minus {ref}",
                                           "nl": "Extra patiënten aan het eind, {name} min {ref}"},
    "decision_patient_target_reached": {"en": "{name} reaches {target} additional patients in {target_months} months",
                                        "nl": "{name} bereikt {target} extra patiënten in {target_months} maanden"},
    "decision_adoption_target_reached": {"en": "{name} reaches {target_share} of the organisations by the horizon",
                                         "nl": "{name} bereikt {target_share} van de organisaties aan het eind"},
    "ranking_flat": {"en": "does not vary over these runs: nothing to rank", "nl": "varieert niet over deze simulaties: niets te rangschikken"},
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
    "months_sooner_pairs": {"en": "months sooner, at least: {pairs} pairs where one reaches it (the other counts as month {after})",
                            "nl": "maanden eerder, minstens: {pairs} paren waarin één het haalt (de ander telt als maand {after})"},
    "incremental_note": {"en": "extra cost per extra patient", "nl": "extra kosten per extra patiënt"},
    "read_adoption": {
        "en": "The line is the median run; the shaded bands hold the middle 50% and 90% of runs. The dashed line is the "
              "target of {target_share} of the organisations that can use the innovation.",
        "nl": "De lijn is de middelste simulatie; de gekleurde banden bevatten de middelste 50% en 90% van de simulaties. De stippellijn "
              "is het doel: {target_share} van de organisaties die de innovatie kunnen gebruiken.",
    },
    "read_innovations": {
        "en": "One panel per innovation of the portfolio: the share of the organisations with its target group that use it. "
              "Lines are median runs, bands hold 90% of runs; the dashed line is the {target_share} target.",
        "nl": "Eén paneel per innovatie van het portfolio: het deel van de organisaties met haar doelgroep dat haar gebruikt. "
              "Lijnen zijn de middelste simulaties, banden bevatten 90% van de simulaties; de stippellijn is het doel van {target_share}.",
    },
    "read_patients": {
        "en": "Patients enrolled beyond those of the first user, added up over time. The circle marks the target: {target} more "
              "patients after {target_months} months.",
        "nl": "Patiënten die meedoen naast die van de eerste gebruiker, opgeteld door de tijd. De cirkel markeert het doel: "
              "{target} extra patiënten na {target_months} maanden.",
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
    "fig_why_title": {"en": "Why organisations say no: the main barrier when they rejected it",
                      "nl": "Waarom organisaties nee zeggen: de grootste drempel bij afwijzing"},
    "fig_why_x": {"en": "Rejections per run (mean)", "nl": "Afwijzingen per simulatie (gemiddeld)"},
    "barrier_financial": {"en": "money (cost against financial room)", "nl": "geld (kosten tegenover financiële ruimte)"},
    "barrier_knowhow": {"en": "know-how", "nl": "kennis"},
    "barrier_staff": {"en": "staff time", "nl": "personeelstijd"},
    "barrier_fit": {"en": "fit (too few patients)", "nl": "passendheid (te weinig patiënten)"},
    "read_why": {
        "en": "Each organisation that decided against the innovation, by its type and the barrier that weighed most in that "
              "decision (the largest weighted barrier, docs/model.md sec. 3.3.5); rejections a run, averaged over the runs. An "
              "organisation may decide again later.",
        "nl": "Elke organisatie die tegen de innovatie besloot, naar type en de drempel die bij dat besluit het zwaarst "
              "woog (de grootste gewogen drempel, docs/model.md §3.3.5); afwijzingen per simulatie, gemiddeld over de "
              "simulaties. Een organisatie kan later opnieuw besluiten.",
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
        "en": "{lead}, the innovation reaches a median of {n} more patients in the first {target_months} months (90% interval {range}){against}.",
        "nl": "{lead} bereikt de innovatie in de eerste {target_months} maanden een mediaan van {n} extra patiënten (90%-interval {range}){against}.",
    },
    "hl_against": {"en": ", against {m} {who}", "nl": ", tegenover {m} {who}"},
    "hl_paired": {
        "en": "Run by run, under the same circumstances, {short} reaches a median of {d} patients more in the first {target_months} months than "
              "{ref_short} (90% interval {range}).",
        "nl": "Simulatie voor simulatie, onder dezelfde omstandigheden, bereikt {short} in de eerste {target_months} maanden een mediaan van {d} patiënten "
              "meer dan {ref_short} (90%-interval {range}).",
    },
    "hl_target_reached": {
        "en": "{lead}, {target} additional patients are reached after a median of {m} months; {share} of runs reach that within {months} months.",
        "nl": "{lead} zijn na een mediaan van {m} maanden {target} extra patiënten bereikt; {share} van de simulaties haalt dat binnen {months} maanden.",
    },
    "hl_target_missed": {
        "en": "{lead}, only {share} of runs reach {target} additional patients within {months} months.",
        "nl": "{lead} haalt maar {share} van de simulaties binnen {months} maanden {target} extra patiënten.",
    },
    "hl_70_reached": {
        "en": "{lead}, {target_share} of eligible organisations use it after a median of {m} months.",
        "nl": "{lead} gebruikt {target_share} van de geschikte organisaties de innovatie na een mediaan van {m} maanden.",
    },
    "hl_70_missed": {
        "en": "{lead}, a median of {share_final} of eligible organisations use it after {months} months; the {target_share} target is reached in {share} of runs.",
        "nl": "{lead} gebruikt na {months} maanden een mediaan van {share_final} van de geschikte organisaties de innovatie; het doel van {target_share} wordt in {share} van de simulaties gehaald.",
    },
    "hl_cost": {
        "en": "{lead}, set-up, running costs and the regional team (its time included) cost all payers a median of {cost} over {months} months, or {per} per additional patient reached.",
        "nl": "{lead} kosten invoering, gebruik en het regionale team (zijn tijd inbegrepen) alle betalers samen een mediaan van {cost} over {months} maanden, ofwel {per} per bereikte extra patiënt.",
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


def target_fields(lang: Lang) -> dict[str, str]:
    """The initiative's targets as every text writes them (``{target}``, ``{target_share}``, ``{target_months}``).

    The targets themselves are set once, in :mod:`diffusion_sim.outcomes`.
    """
    return {"target": fmt_number(PATIENT_TARGET, lang), "target_share": fmt_percent(ADOPTION_TARGET, lang),
            "target_months": str(PATIENT_TARGET_MONTH)}


def decision_label(column: str, reference: str, lang: Lang) -> str:
    """A decision outcome of the assumption ranking (``<key>:<strategy>``) in words."""
    key, _, name = column.partition(":")
    return t(f"decision_{key}", lang, name=strategy_text(name, "label", lang), ref=strategy_text(reference, "label", lang))


def t(key: str, lang: Lang, **fields: Any) -> str:
    """The text ``key`` in ``lang`` with ``fields`` (and the targets) filled in."""
    return TEXTS[key][lang].format(**target_fields(lang), **fields)


def point_label(outcome: str, lang: Lang) -> str:
    """A point outcome's label (sweeps, sensitivity, calibration) in ``lang``; an unknown one is its own name."""
    words = POINT_LABELS.get(outcome)
    return words[lang].format(**target_fields(lang)) if words else outcome


def a(key: str, lang: Lang, **fields: Any) -> str:
    """The analyses' text ``key`` (:data:`ANALYSIS_TEXTS`) in ``lang`` with ``fields`` (and the targets) filled in."""
    return ANALYSIS_TEXTS[key][lang].format(**target_fields(lang), **fields)


def outcome_label(outcome: str, lang: Lang, **fields: Any) -> str:
    """An outcome's label in ``lang`` with ``fields`` (and the targets) filled in."""
    return OUTCOME_LABELS[outcome][lang].format(**target_fields(lang), **fields)


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
        q = out[name][PATIENTS_IN_YEAR]
        rng = fmt_range(fmt_number(q["low"], lang), fmt_number(q["high"], lang), lang)
        return fmt_number(q["median"], lang), rng

    if others:
        for name in others:
            n, rng = reach(name)
            m, _ = reach(ref)
            against = t("hl_against", lang, m=m, who=strategy_text(ref, "against", lang))
            lines.append(t("hl_reach", lang, lead=strategy_text(name, "lead", lang), n=n, range=rng, against=against))
            d = diffs.get(name, {}).get(PATIENTS_IN_YEAR)
            if d is not None and not math.isnan(d["median"]):
                lines.append(t("hl_paired", lang, short=strategy_text(name, "short", lang),
                               ref_short=strategy_text(ref, "short", lang), d=fmt_number(d["median"], lang),
                               range=fmt_range(fmt_number(d["low"], lang), fmt_number(d["high"], lang), lang)))
    else:
        n, rng = reach(ref)
        lines.append(t("hl_reach", lang, lead=strategy_text(ref, "lead", lang), n=n, range=rng, against=""))

    for name in [*others, ref]:
        q = out[name][MONTHS_TO_PATIENTS]
        share = fmt_percent(q["reached"], lang)
        lead = strategy_text(name, "lead", lang)
        if math.isfinite(q["median"]):
            lines.append(t("hl_target_reached", lang, lead=lead, m=fmt_number(q["median"], lang), share=share, months=months))
        else:
            lines.append(t("hl_target_missed", lang, lead=lead, share=share, months=months))
    for name in [*others, ref]:
        q = out[name][MONTHS_TO_ADOPTION]
        lead = strategy_text(name, "lead", lang)
        if math.isfinite(q["median"]):
            lines.append(t("hl_70_reached", lang, lead=lead, m=fmt_number(q["median"], lang)))
        else:
            lines.append(t("hl_70_missed", lang, lead=lead, months=months, share=fmt_percent(q["reached"], lang),
                           share_final=fmt_percent(out[name]["share_adopted_final"]["median"], lang)))
    for name in [*others, ref]:
        cost = out[name]["cost_all_payers_eur"]["median"]
        per = out[name]["cost_per_patient_eur"]["median"]
        lines.append(t("hl_cost", lang, lead=strategy_text(name, "lead", lang), cost=fmt_eur(cost, lang), months=months,
                       per=fmt_eur(per, lang)))
    lines += [team_sentence(name, q, months, lang) for name, q in (numbers.get("team") or {}).items()]
    return [_capitalise(s) for s in lines]


def team_sentence(name: str, q: Mapping[str, float], months: int, lang: Lang) -> str:
    """What the team gave and which of its constraints bound: its hours or its money (medians over runs)."""
    time_bound, money_bound = q["months_time_bound"], q["months_money_bound"]
    if time_bound > money_bound:
        binding = t("team_time_binds", lang, n=fmt_number(time_bound, lang), months=months)
    elif money_bound > time_bound:
        binding = t("team_money_binds", lang, n=fmt_number(money_bound, lang), months=months)
    else:
        binding = t("team_neither_binds", lang)
    return t("team_sentence", lang, lead=strategy_text(name, "lead", lang), hours=fmt_number(q["team_hours"], lang),
             in_kind=fmt_eur(q["team_in_kind_cost_eur"], lang), spent=fmt_eur(q["facilitation_cost_eur"], lang),
             unspent=fmt_eur(q["budget_unspent_eur"], lang), binding=binding, months=months)


def _capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def claim_texts(a: Mapping[str, Any], order: list[str], months: int, lang: Lang) -> list[str]:
    """A claims-table row in words: the claim, its chance in calibrated words, what the model finds, what it would take.

    ``a`` is a row of :func:`diffusion_sim.analysis.claims.answer_claims` (or claim 3's row of
    :func:`~diffusion_sim.analysis.claims.answers_with_population`).
    """
    pct = lambda v: fmt_percent(v, lang)  # noqa: E731
    num = lambda v, d=0: fmt_number(v, lang, d)  # noqa: E731
    if a["claim"] == "scale_ups":
        p = a.get("population")
        if not p:
            return [t("claim_scale_ups", lang), "–", t("scale_ups_elsewhere", lang), "–"]
        d = p["difference"]
        return [t("claim_scale_ups", lang),
                t("chance_scale_ups", lang, words=t(f"likelihood_{likelihood_key(p['chance_higher'])}", lang),
                  chance=pct(p["chance_higher"])),
                t("find_scale_ups", lang, iso=pct(p["isolated_share"]), col=pct(p["collaborative_share"]),
                  diff=_plus(num(100 * d["median"]), d["median"]), low=_plus(num(100 * d["low"]), d["low"]),
                  high=_plus(num(100 * d["high"]), d["high"]), n=num(p.get("innovations", float("nan")))), "–"]
    who = f" ({strategy_text(a['strategy'], 'label', lang)})" if len(order) > 2 else ""
    chance = t("chance_cell", lang, words=t(f"likelihood_{a['likelihood']}", lang), chance=pct(a["chance"]),
               low=pct(a["low"]), high=pct(a["high"]))
    d = a["detail"]
    if a["claim"] == "patients_in_year":
        finding = t("find_patients_in_year", lang, n=num(a["median"]), low=num(a["median_low"]), high=num(a["median_high"]),
                    in_use=num(d["in_use"].get("median", float("nan"))), reached=pct(d["months_to"]["reached"]),
                    months=months)
    elif a["claim"] == "adoption_target":
        reached_at = d["months_to"]["median"]
        fields = {"share": pct(a["median"]), "low": pct(a["median_low"]), "high": pct(a["median_high"]), "months": months}
        finding = (t("find_adoption_reached", lang, month=num(reached_at), **fields) if math.isfinite(reached_at)
                   else t("find_adoption_target", lang, gap=pct(d["gap"]["median"]), **fields))
        per_innovation = d.get("innovations", [])
        for inn in per_innovation if len(per_innovation) > 1 else []:
            finding += "\n" + t("find_innovation", lang, name=innovation_label(inn["innovation"], lang),
                                 chance=pct(inn["chance"]), share=pct(inn["share"]["median"]), gap=pct(inn["gap"]["median"]))
    else:  # time and cost
        saved = d["months_saved"][MONTHS_TO_PATIENTS]
        setup = d["setup_months"]
        finding = t("find_time_and_cost", lang, cost=_plus(fmt_eur(a["median"], lang), a["median"]),
                    low=fmt_eur(a["median_low"], lang), high=fmt_eur(a["median_high"], lang),
                    months=_plus(num(setup["median"], 1), setup["median"]), mlow=num(setup["median_low"], 1),
                    mhigh=num(setup["median_high"], 1), ref=strategy_text(order[0], "short", lang), horizon=months,
                    saved=num(saved["mean"], 1))
    if a.get("what_it_takes"):  # the answer of a what-it-takes folder given to the report
        takes = what_it_takes_cell(a["what_it_takes"], lang)
    elif not a["short"]:
        takes = t("takes_met", lang, wanted=pct(CHANCE_WANTED))
    elif a["claim"] not in SEARCHED_CLAIMS:
        takes = t("takes_elsewhere", lang)
    else:
        takes = t("takes_search", lang, file=a.get("file") or "SCENARIO", claim=a["claim"])
    several = a["claim"] == "adoption_target" and len(a["detail"].get("innovations", [])) > 1  # a portfolio: each of them
    return [t(f"claim_{a['claim']}" + ("_portfolio" if several else ""), lang) + who, chance, finding, takes]


def _plus(text: str, value: float) -> str:
    """A difference reads as a change: "+227"."""
    return "+" + text if value is not None and not math.isnan(value) and value > 0 else text


# --- what it would take (issue 16) -------------------------------------------------------------
# one phrase per lever value; {v} is the value formatted for the language
LEVER_PHRASES: dict[str, dict[str, str]] = {
    "facilitation.team_members": {"en": "a team of {v} people", "nl": "een team van {v} mensen"},
    "facilitation.hours_per_member_per_month": {"en": "{v} hours a month each", "nl": "{v} uur per maand per persoon"},
    "facilitation.budget_eur_per_year": {"en": "{v} a year for facilitation", "nl": "{v} per jaar voor facilitatie"},
    "facilitation.events_per_year": {"en": "{v} regional meetings a year", "nl": "{v} regionale bijeenkomsten per jaar"},
    "facilitation.knowledge_network:true": {"en": "a regional knowledge network", "nl": "een regionaal kennisnetwerk"},
    "facilitation.knowledge_network:false": {"en": "no knowledge network", "nl": "geen kennisnetwerk"},
    "facilitation.insurer_engaged:true": {"en": "the insurer in the team", "nl": "de zorgverzekeraar in het team"},
    "facilitation.insurer_engaged:false": {"en": "the insurer outside the team", "nl": "de zorgverzekeraar buiten het team"},
    "facilitation.priority_types": {"en": "{v} approached first", "nl": "eerst de {v} benaderd"},
    "insurer.cost_share": {"en": "the insurer paying {v} of set-up costs", "nl": "de zorgverzekeraar die {v} van de opstartkosten betaalt"},
    "insurer.fixed_start_month": {"en": "the insurer paying from month {v}", "nl": "de zorgverzekeraar die betaalt vanaf maand {v}"},
    "insurer.fixed_start_month:none": {"en": "the insurer paying once demand shows", "nl": "de zorgverzekeraar die betaalt zodra er vraag is"},
    "simulation.months": {"en": "a horizon of {v} months", "nl": "een horizon van {v} maanden"},
    "innovation.profile": {"en": "starting with {v}", "nl": "beginnen met {v}"},
    "origin.org_type": {"en": "{v} as the first organisation running it", "nl": "{v} als eerste organisatie die het gebruikt"},
}
CLAIM_WORDS: dict[str, dict[str, str]] = {
    "patients_in_year": {"en": "{target} more patients within {target_months} months",
                         "nl": "{target} extra patiënten binnen {target_months} maanden"},
    "adoption_target": {"en": "{target_share} of the organisations with the target group",
                        "nl": "{target_share} van de organisaties met de doelgroep"},
}
TEXTS.update({
    "wit_reachable": {
        "en": "To reach {claim} with a chance of at least {wanted} it would take {setting}. The claim then holds with a chance of {chance} (90% interval {range}), at {cost} over {months} months for the team's money and time and the insurer's share.",
        "nl": "Om {claim} met minstens {wanted} kans te halen is nodig: {setting}. De claim klopt dan met een kans van {chance} (90%-interval {range}), voor {cost} over {months} maanden aan geld en tijd van het team en het deel van de zorgverzekeraar.",
    },
    "wit_holds": {
        "en": "The claim ({claim}) already holds with a chance of {chance} (90% interval {range}); the least costly setting found for a chance of at least {wanted}: {setting}, at {cost} over {months} months.",
        "nl": "De claim ({claim}) klopt al, met een kans van {chance} (90%-interval {range}); de goedkoopste gevonden instelling voor minstens {wanted} kans: {setting}, voor {cost} over {months} maanden.",
    },
    "wit_not_reachable": {
        "en": "To reach {claim} with a chance of at least {wanted}: not reachable within the levers searched. The closest setting ({setting}) gives a chance of {chance} (90% interval {range}), at {cost} over {months} months.",
        "nl": "Om {claim} met minstens {wanted} kans te halen: niet haalbaar binnen de onderzochte knoppen. De dichtstbijzijnde instelling ({setting}) geeft een kans van {chance} (90%-interval {range}), voor {cost} over {months} maanden.",
    },
    "wit_undecided": {
        "en": "To reach {claim} with a chance of at least {wanted}: the search stopped at its budget of runs before a setting could be confirmed.",
        "nl": "Om {claim} met minstens {wanted} kans te halen: de zoektocht stopte bij zijn budget aan simulaties voordat een instelling bevestigd kon worden.",
    },
    "wit_no_change": {"en": "the scenario as it is", "nl": "het scenario zoals het is"},
    "wit_and": {"en": "and", "nl": "en"},
})


def lever_phrase(name: str, value: Any, lang: Lang) -> str:
    """One lever's value as a phrase: "a team of 8 people", "the insurer paying 75% of set-up costs"."""
    if isinstance(value, bool):
        return LEVER_PHRASES[f"{name}:{'true' if value else 'false'}"][lang]
    if value is None:
        return LEVER_PHRASES.get(f"{name}:none", {}).get(lang, f"{name} = none")
    if name == "facilitation.budget_eur_per_year":
        v = fmt_eur(float(value), lang)
    elif name == "insurer.cost_share":
        v = fmt_percent(float(value), lang)
    elif name == "facilitation.priority_types":
        v = ORG_TYPE_PLURAL[value[0]][lang] if value and value[0] in ORG_TYPE_PLURAL else str(value)
    elif name == "origin.org_type":
        v = ("a " if lang == "en" else "een ") + ORG_TYPE_LABELS.get(str(value), {}).get(lang, str(value)).lower()
    elif name == "innovation.profile":
        v = innovation_label(profile_data(str(value))["name"], lang, start=False)
    elif isinstance(value, float) and not value.is_integer():
        v = fmt_number(value, lang, 1)
    else:
        v = fmt_number(float(value), lang)
    phrase = LEVER_PHRASES.get(name, {}).get(lang)
    return phrase.format(v=v) if phrase else f"{name} = {value}"


def setting_phrase(changes: Mapping[str, Any] | None, lang: Lang) -> str:
    """The changes of a setting as one phrase: "a team of 8 people, 12 hours a month each and ..."."""
    if not changes:
        return t("wit_no_change", lang)
    parts = [lever_phrase(name, value, lang) for name, value in changes.items() if name in LEVER_PHRASES or
             f"{name}:true" in LEVER_PHRASES]  # uncertainty.fixed only keeps a decision out of the draws
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {t('wit_and', lang)} {parts[-1]}"


def what_it_takes_sentence(answer: Mapping[str, Any], lang: Lang) -> str:
    """The answer of ``diffusion-sim what-it-takes`` (``analysis.search.answer_of``) as one sentence for the report."""
    claim = CLAIM_WORDS.get(answer["claim"], {}).get(lang, answer["claim"]).format(**target_fields(lang))
    wanted = fmt_percent(answer["wanted"], lang)
    if answer["verdict"] == "undecided" or answer.get("chance") is None:
        return t("wit_undecided", lang, claim=claim, wanted=wanted)
    fields = {"claim": claim, "wanted": wanted, "setting": setting_phrase(answer.get("changes"), lang),
              "chance": fmt_percent(answer["chance"], lang),
              "range": fmt_range(fmt_percent(answer["low"], lang), fmt_percent(answer["high"], lang), lang),
              "cost": fmt_eur(answer["cost_eur"], lang), "months": answer["months"]}
    if not answer["reachable"]:
        return _capitalise(t("wit_not_reachable", lang, **fields))
    return _capitalise(t("wit_holds" if answer.get("already_holds") else "wit_reachable", lang, **fields))


def what_it_takes_cell(answer: Mapping[str, Any], lang: Lang) -> str:
    """A ``what-it-takes`` answer short enough for the claims table's last column (the sentence is :func:`what_it_takes_sentence`)."""
    if answer["verdict"] == "undecided" or answer.get("chance") is None:
        return t("takes_undecided", lang)
    fields = {"setting": setting_phrase(answer.get("changes"), lang), "chance": fmt_percent(answer["chance"], lang),
              "low": fmt_percent(answer["low"], lang), "high": fmt_percent(answer["high"], lang),
              "cost": fmt_eur(answer["cost_eur"], lang), "months": answer["months"]}
    if not answer["reachable"]:
        return t("takes_not_reachable", lang, **fields)
    return _capitalise(t("takes_holds" if answer.get("already_holds") and not answer.get("changes") else "takes_reachable",
                         lang, **fields))


# The table of ``diffusion-sim population`` (claim 3: the share of innovations that scale up).
ANALYSIS_TEXTS.update({
    "pop_title": {"en": "Claim 3: the share of innovations that scale up ({n} innovations x {reps} runs per strategy, "
                        "paired; a projection, not a forecast)",
                  "nl": "Claim 3: het aandeel innovaties dat opschaalt ({n} innovaties x {reps} simulaties per strategie, "
                        "gepaard; een projectie, geen voorspelling)"},
    "pop_col_share": {"en": "success share", "nl": "aandeel geslaagd"},
    "pop_col_interval": {"en": "90% interval", "nl": "90%-interval"},
    "pop_col_mcse": {"en": "MC error (points)", "nl": "MC-fout (punten)"},
    "pop_difference": {"en": "{name} minus {ref}, paired (points)", "nl": "{name} min {ref}, gepaard (punten)"},
    "pop_chance": {"en": "Chance that {name} scales up a larger share than {ref}: {chance}.",
                   "nl": "Kans dat {name} een groter aandeel opschaalt dan {ref}: {chance}."},
    "pop_more_often": {"en": "Innovations that scale up more often with {name}: {more}; as often: {same}; less often: {less}.",
                       "nl": "Innovaties die vaker opschalen met {name}: {more}; even vaak: {same}; minder vaak: {less}."},
    "pop_note": {"en": "Intervals (bootstrap over innovations) and MC error are Monte Carlo; every run draws its parameters, "
                       "so a share averages over their uncertainty.",
                 "nl": "Intervallen (bootstrap over innovaties) en MC-fout zijn Monte Carlo; elke simulatie trekt haar "
                       "parameters, dus een aandeel middelt over hun onzekerheid."},
    "pop_success": {"en": "Success: {definition}.", "nl": "Geslaagd: {definition}."},
    "pop_definition": {"en": "within {months} months at least one patient reached beyond the organisation that ran it first, "
                             "and in month {months} at least one organisation beyond it still using it",
                       "nl": "binnen {months} maanden minstens één patiënt bereikt buiten de organisatie die het als eerste "
                             "gebruikte, en in maand {months} nog minstens één organisatie daarbuiten die het gebruikt"},
    "pop_knob": {"en": "Knob: {name} = {value}, a factor on every innovation's {parameters}.",
                 "nl": "Knop: {name} = {value}, een factor op {parameters} van elke innovatie."},
    "pop_against_claim": {"en": "Isolated share against the initiative's own {claimed} (its claim, not evidence): {off} points; "
                                "within ±{tolerance} points: {within}.",
                          "nl": "Aandeel zelfstandig tegenover de eigen {claimed} van het initiatief (zijn claim, geen bewijs): "
                                "{off} punten; binnen ±{tolerance} punten: {within}."},
    "pop_calibrated": {"en": "Calibrated now ({n} values tried): {value} gives {share} ± {mcse} points on these {innovations} "
                             "innovations, {fresh} ± {fresh_mcse} points on {fresh_n} fresh ones.",
                       "nl": "Nu gekalibreerd ({n} waarden geprobeerd): {value} geeft {share} ± {mcse} punten op deze "
                             "{innovations} innovaties, {fresh} ± {fresh_mcse} punten op {fresh_n} nieuwe."},
    "pop_put_it": {"en": "Put it in the isolated scenario file (the collaborative one extends it):",
                   "nl": "Zet het in het scenariobestand zonder team (dat met team bouwt erop voort):"},
    "pop_by_attribute": {"en": "Success share by attribute of the innovation", "nl": "Aandeel geslaagd per kenmerk van de innovatie"},
    "pop_col_attribute": {"en": "attribute", "nl": "kenmerk"},
    "pop_col_value": {"en": "value", "nl": "waarde"},
    "pop_col_innovations": {"en": "innovations", "nl": "innovaties"},
})
