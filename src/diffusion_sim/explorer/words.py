"""The explorer's own words, in Dutch and English: lever labels, barriers, status lines, the map and the stories.

Only the browser page (:mod:`diffusion_sim.explorer`) uses these; everything else on the page reuses
the report's words (:mod:`diffusion_sim.publish.words`: outcome labels, headline sentences, figure
titles, state and type labels) and key assumptions (:mod:`diffusion_sim.publish.assumptions`, for levers).
"""

# ruff: noqa: E501  (tables of sentences read best one entry per line)
from __future__ import annotations

from typing import Any

from diffusion_sim.publish.formats import Lang
from diffusion_sim.publish.words import target_fields

BARRIER_LABELS: dict[str, dict[str, str]] = {
    "financial": {"en": "cost against its financial room", "nl": "kosten tegenover de financiële ruimte"},
    "knowhow": {"en": "missing know-how", "nl": "ontbrekende kennis"},
    "staff": {"en": "no free staff time", "nl": "geen vrije personeelstijd"},
    "fit": {"en": "poor fit: few patients", "nl": "past slecht: weinig patiënten"},
}

EXPLORER_TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Scenario explorer: scaling up {innovation} in {region}",
              "nl": "Scenarioverkenner: opschalen van {innovation} in {region}"},
    "levers": {"en": "Settings", "nl": "Instellingen"},
    "claims_file": {"en": "SETTING.toml", "nl": "INSTELLING.toml"},
    "claims_file_note": {"en": "SETTING.toml: this setting as a scenario file (export it below).",
                         "nl": "INSTELLING.toml: deze instelling als scenariobestand (exporteer het hieronder)."},
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
    "allowed_number": {"en": "a number", "nl": "een getal"},
    "allowed_number_from": {"en": "a number of at least {lo}", "nl": "een getal van minstens {lo}"},
    "allowed_number_to": {"en": "a number of at most {hi}", "nl": "een getal van hoogstens {hi}"},
    "allowed_number_between": {"en": "a number from {lo} to {hi}", "nl": "een getal van {lo} tot en met {hi}"},
    "allowed_number_above": {"en": "a number above {lo}", "nl": "een getal boven {lo}"},
    "allowed_number_above_to": {"en": "a number above {lo}, at most {hi}", "nl": "een getal boven {lo}, hoogstens {hi}"},
    "allowed_whole": {"en": "a whole number", "nl": "een geheel getal"},
    "allowed_whole_from": {"en": "a whole number of at least {lo}", "nl": "een geheel getal van minstens {lo}"},
    "allowed_whole_to": {"en": "a whole number of at most {hi}", "nl": "een geheel getal van hoogstens {hi}"},
    "allowed_whole_between": {"en": "a whole number from {lo} to {hi}", "nl": "een geheel getal van {lo} tot en met {hi}"},
    "invalid_combination": {"en": "this combination of values is not allowed", "nl": "deze combinatie van waarden is niet toegestaan"},
    "technical": {"en": "Technical message", "nl": "Technische melding"},
    "failed": {"en": "The computation failed: {message}", "nl": "De berekening is mislukt: {message}"},
    "after_horizon": {
        "en": "Reimbursement from month {m} falls after the horizon of {months} months, so it has no effect.",
        "nl": "Vergoeding vanaf maand {m} valt na de looptijd van {months} maanden en heeft dus geen effect.",
    },
    "key_numbers": {"en": "Key numbers", "nl": "Kerncijfers"},
    "chance_12": {"en": "Chance of {target} additional patients within {target_months} months",
                  "nl": "Kans op {target} extra patiënten binnen {target_months} maanden"},
    "median_note": {"en": "median (90% of runs)", "nl": "mediaan (90% van de simulaties)"},
    "share_of_runs": {"en": "share of runs", "nl": "deel van de simulaties"},
    "map_title": {"en": "The region in {label} (month {m}), a typical run", "nl": "De regio in {label} (maand {m}), een typische simulatie"},
    "map_title_start": {"en": "The region at the start (month 0), a typical run", "nl": "De regio bij de start (maand 0), een typische simulatie"},
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
    return EXPLORER_TEXTS[key][lang].format(**target_fields(lang), **fields)
