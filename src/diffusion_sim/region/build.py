"""Build the care organisations of a region and their network, reproducibly from a seed.

Counts per municipality come from national rates per inhabitant (largest-remainder rounding, so the
regional total is the rounded expected total); hospitals come from the shipped list. Each
municipality's patients or clients of a type go to that type's organisations in the municipality,
or to the nearest one where it has none. Ties: each organisation's nearest organisations (distance),
same-type peers among its nearest of that type, and referral ties (GP practice, elderly care, home
care and mental health to their hospital; GP practice to pharmacies; home care to GP practices).
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources

import numpy as np
import pandas as pd
from scipy import sparse, special

from diffusion_sim.compiled import compiled
from diffusion_sim.errors import RegionError
from diffusion_sim.params import ORG_TYPES, OrganisationParams, Params, PerTypeRate, RegionParams
from diffusion_sim.region.nearest import grid_nearest, nearest
from diffusion_sim.rng import REGION_REPLICATION, spawned

KM_PER_DEG_LAT = 110.57
HOSPITAL = ORG_TYPES.index("hospital")
GP = ORG_TYPES.index("gp_practice")
ELDERLY = ORG_TYPES.index("elderly_care")
HOME = ORG_TYPES.index("home_care")
MENTAL = ORG_TYPES.index("mental_health")
PHARMACY = ORG_TYPES.index("pharmacy")
# Rogers (2003): categories cut at -1, 0, +1 and +2 SD of innovativeness (16%, 34%, 34%, 13.5%, 2.5%).
ROGERS_CATEGORIES = ("laggard", "late_majority", "early_majority", "early_adopter", "innovator")
ROGERS_CUTS = (-1.0, 0.0, 1.0, 2.0)
FEW_SITES_PER_ORG = 2  # nearest sites searched first for each hospital organisation wanted (Sites.nearest_orgs)


@dataclass(frozen=True)
class Region:
    """Organisations (one slot each, arrays in the order of ``org_id``) and their ties.

    ``ties`` is a symmetric 0/1 CSR matrix; ``tie_counts`` says how many ties of each kind were drawn
    before duplicates merged, for the manifest.
    """

    name: str
    municipalities: pd.DataFrame
    org_type: np.ndarray
    municipality: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    x_km: np.ndarray
    y_km: np.ndarray
    patients: np.ndarray
    organisations: OrganisationParams  # the spread of financial room and free staff time the region was built at
    room_z: np.ndarray  # each organisation's place in its type's log-normal spread of financial room (standard normal)
    staff_u: np.ndarray  # ... and in its type's Beta spread of free staff time (a uniform)
    innovativeness: np.ndarray
    ties: sparse.csr_matrix
    org_name: np.ndarray
    tie_counts: dict[str, int] = field(default_factory=dict)
    # plain arrays of the municipality table, for lookups in every replication without pandas (from the table if not given)
    municipality_codes: np.ndarray | None = None
    municipality_lat: np.ndarray | None = None
    municipality_lon: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.municipality_codes is None:
            codes, lat, lon = _municipality_arrays(self.municipalities)
            object.__setattr__(self, "municipality_codes", codes)
            object.__setattr__(self, "municipality_lat", lat)
            object.__setattr__(self, "municipality_lon", lon)

    @property
    def n(self) -> int:
        """Number of organisations."""
        return int(self.org_type.size)

    @cached_property
    def _attributes(self) -> tuple[np.ndarray, np.ndarray]:
        # computed when first asked: a model works out its own at its parameter draw, so a replication with draws
        # never needs the region's (the Beta quantiles were a fifth of building a large region, issue 17)
        room, staff = attributes(self.org_type, self.room_z, self.staff_u, self.organisations)
        room.flags.writeable = staff.flags.writeable = False  # the region's, shared by whoever asks
        return room, staff

    @property
    def financial_room(self) -> np.ndarray:
        """Financial room of each organisation at the region's own parameters (:func:`attributes`)."""
        return self._attributes[0]

    @property
    def staff_capacity(self) -> np.ndarray:
        """Free staff time of each organisation at the region's own parameters (:func:`attributes`)."""
        return self._attributes[1]

    @property
    def rogers_category(self) -> np.ndarray:
        """Index into :data:`ROGERS_CATEGORIES` for each organisation."""
        return np.searchsorted(ROGERS_CUTS, self.innovativeness, side="right").astype(np.int8)

    def to_frame(self) -> pd.DataFrame:
        """One row per organisation, for results folders and maps."""
        return pd.DataFrame(
            {
                "org_id": np.arange(self.n),
                "org_type": np.asarray(ORG_TYPES)[self.org_type],
                "name": self.org_name,
                "municipality_code": self.municipalities["code"].to_numpy()[self.municipality],
                "municipality": self.municipalities["name"].to_numpy()[self.municipality],
                "lat": self.lat.round(5),
                "lon": self.lon.round(5),
                "patients": self.patients.round(1),
                "financial_room_eur": self.financial_room.round(0),
                "staff_capacity": self.staff_capacity.round(4),
                "innovativeness": self.innovativeness.round(4),
                "rogers_category": np.asarray(ROGERS_CATEGORIES)[self.rogers_category],
                "degree": np.diff(self.ties.indptr),
            }
        )


def _municipality_arrays(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The codes, latitudes and longitudes of a municipality table as arrays (``Region.municipality_codes`` ...)."""
    return table["code"].to_numpy(dtype=str), table["lat"].to_numpy(dtype=float), table["lon"].to_numpy(dtype=float)


@cache
def _municipality_table() -> pd.DataFrame:
    with resources.files("diffusion_sim.region.data").joinpath("nl-municipalities.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"code": str})


@cache
def _csv_rows(name: str) -> tuple[dict[str, str], ...]:
    with resources.files("diffusion_sim.region.data").joinpath(name).open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def preset_names() -> list[str]:
    """Region presets shipped with the package."""
    return sorted({row["preset"] for row in _csv_rows("presets.csv")})


def _unknown(kind: str, value: str, known: list[str]) -> RegionError:
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    singular = {"municipalities": "municipality code", "province": "province", "preset": "preset"}.get(kind, kind)
    return RegionError(f"field 'region.{kind}': unknown {singular} {value!r}{hint}")


def municipalities_for(preset: str = "zuidwest", province: str = "", codes: tuple[str, ...] = ()) -> pd.DataFrame:
    """The municipalities of a region: the given CBS codes, else a province, else a preset.

    Population is CBS's on 1 January 2024 and coordinates are the municipal seat (data/README.md).
    """
    table = _municipality_table()
    if codes:
        known = set(table["code"])
        for code in codes:
            if code not in known:
                names = dict(zip(table["code"], table["name"], strict=True))
                raise _unknown("municipalities", code, sorted(known | set(names.values())))
        if len(set(codes)) != len(codes):
            raise RegionError("field 'region.municipalities': a municipality code is listed twice")
        return table[table["code"].isin(codes)].reset_index(drop=True)
    if province:
        provinces = sorted(table["province"].unique())
        if province not in provinces:
            raise _unknown("province", province, provinces)
        return table[table["province"] == province].reset_index(drop=True)
    rows = [row["code"] for row in _csv_rows("presets.csv") if row["preset"] == preset]
    if not rows:
        raise _unknown("preset", preset, preset_names())
    if rows == ["*"]:
        return table.copy()
    return table[table["code"].isin(rows)].reset_index(drop=True)


@cache
def _region_municipalities(preset: str, province: str, codes: tuple[str, ...], tiles: int) -> pd.DataFrame:
    """The (tiled) municipality table of a region, built once per process: workers build many regions."""
    return _tiled(municipalities_for(preset, province, codes), tiles)


def _listed_hospital_coverage() -> set[str]:
    """Municipalities whose hospitals the shipped list names (the Zuidwest region); elsewhere a rate is used."""
    return {row["code"] for row in _csv_rows("presets.csv") if row["preset"] == "zuidwest"}


def region_key(params: Params, realisation: int = 0) -> tuple:
    """Everything :func:`build_region` reads: two parameter sets with equal keys have the same region."""
    return params.region, params.organisations, params.network, params.simulation.seed, realisation


def build_region(params: Params, realisation: int = 0) -> Region:
    """Draw the organisations and network of ``params.region`` from the root seed and ``realisation``.

    Realisation 0 is the root seed's region, shared by every replication without parameter draws;
    with draws, draw ``d`` runs on realisation ``d mod uncertainty.region_realisations``
    (:func:`diffusion_sim.draws.region_realisation`). Every realisation has the same organisations
    (their number, types and municipalities follow from the rates); their sizes, places within the
    municipality, attributes and ties differ.
    """
    r, org = params.region, params.organisations
    s = _skeleton(r, org.per_100k)
    # the four children of the region's seed sequence, as SeedSequence.spawn(4) makes them
    g_place, g_size, g_attr, g_ties = spawned(params.simulation.seed, REGION_REPLICATION, "region", 4, track=realisation)

    # the organisations around their municipal seat: one draw for all, the x then the y of each type in turn
    z = g_place.normal(0.0, 1.0, 2 * s.seat_x.size)
    x_km = np.concatenate([s.hospital_x, s.seat_x + z[s.draw_x] * s.spread])
    y_km = np.concatenate([s.hospital_y, s.seat_y + z[s.draw_y] * s.spread])
    n = s.org_type.size

    patients = _allocate_clients(s, x_km, y_km, org, g_size)
    room_z = g_attr.standard_normal(n)  # where each organisation stands in its type's spread of financial room
    staff_u = g_attr.random(n)  # ... and of free staff time: the values follow from the parameters (attributes())
    innovativeness = g_attr.standard_normal(n)

    ties, tie_counts = _build_ties(s, x_km, y_km, params, g_ties)
    return Region(
        name=(f"{len(r.municipalities)} municipalities" if r.municipalities else r.province or r.preset),
        municipalities=s.municipalities.copy(),
        org_type=s.org_type,
        municipality=s.municipality,
        lat=y_km / KM_PER_DEG_LAT,
        lon=x_km / s.km_per_deg_lon,
        x_km=x_km,
        y_km=y_km,
        patients=patients,
        organisations=org,
        room_z=room_z,
        staff_u=staff_u,
        innovativeness=innovativeness,
        ties=ties,
        org_name=s.org_name,
        tie_counts=tie_counts,
        municipality_codes=s.municipality_codes,
        municipality_lat=s.municipality_lat,
        municipality_lon=s.municipality_lon,
    )


@dataclass(frozen=True)
class _Skeleton:
    """A region's organisations before any draw: their types, municipalities, names, the hospitals and their sites.

    The same for every seed and realisation; built once per process and shared by its regions, so its
    arrays are read-only. The hospitals come first, at fixed places; the other organisations follow
    type by type, each placed around its municipal seat (``seat_x``, ``seat_y``) by its municipality's
    ``spread`` times a standard normal: ``draw_x`` and ``draw_y`` are their places in the region's draw.
    """

    municipalities: pd.DataFrame
    municipality_codes: np.ndarray
    municipality_lat: np.ndarray
    municipality_lon: np.ndarray
    km_per_deg_lon: float
    mx: np.ndarray  # municipal seats, km
    my: np.ndarray
    pop: np.ndarray
    org_type: np.ndarray
    municipality: np.ndarray
    org_name: np.ndarray
    of_type: tuple[np.ndarray, ...]  # the organisations of each type
    referring: np.ndarray  # the organisations that refer to a hospital
    hospital_x: np.ndarray
    hospital_y: np.ndarray
    draw_x: np.ndarray
    draw_y: np.ndarray
    seat_x: np.ndarray
    seat_y: np.ndarray
    spread: np.ndarray
    sites: Sites
    hospital_of_municipality: np.ndarray  # the organisation of each municipal seat's nearest hospital site


@lru_cache(maxsize=8)  # a few regions at a time (a study of regions); a sweep over rates would otherwise pile them up
def _skeleton(r: RegionParams, per_100k: PerTypeRate) -> _Skeleton:
    muni = _region_municipalities(r.preset, r.province, tuple(r.municipalities), r.tiles)
    lat0 = float(muni["lat"].mean())
    km_per_deg_lon = 111.32 * np.cos(np.radians(lat0))
    mx = muni["lon"].to_numpy() * km_per_deg_lon
    my = muni["lat"].to_numpy() * KM_PER_DEG_LAT
    pop = muni["population"].to_numpy(dtype=float)

    types, munis, names, xs, ys = [], [], [], [], []
    # hospitals: one organisation at its main site; all sites serve as catchment and referral points
    site_rows = _csv_rows("hospitals.csv")
    site_x, site_y, site_org = [], [], []
    base_codes = muni["base_code"].tolist()
    bases, placed = set(base_codes), set()
    sites_in: dict[str, list[dict[str, str]]] = {}  # a municipality's sites, in the list's order
    for row in site_rows:
        sites_in.setdefault(row["municipality"], []).append(row)
    main_here = {row["organisation"] for row in site_rows if row["main"] == "1" and row["municipality"] in bases}
    lon_shift, lat_shift = muni["lon_shift"].to_numpy(), muni["lat_shift"].to_numpy()
    for m, (base, code) in enumerate(zip(base_codes, muni["code"].tolist(), strict=True)):
        suffix = code.removeprefix(base)
        for row in sites_in.get(base, ()):
            key = row["organisation"] + suffix
            main_in_region = row["organisation"] in main_here
            # one agent per organisation: at its main site, or at its first site here when the main site lies outside
            if (row["main"] == "1" or not main_in_region) and key not in placed:
                placed.add(key)
                types.append(np.array([HOSPITAL]))
                munis.append(np.array([m]))
                names.append(np.array([key], dtype=object))
                xs.append(np.array([(float(row["lon"]) + lon_shift[m]) * km_per_deg_lon]))
                ys.append(np.array([(float(row["lat"]) + lat_shift[m]) * KM_PER_DEG_LAT]))
            site_x.append((float(row["lon"]) + lon_shift[m]) * km_per_deg_lon)
            site_y.append((float(row["lat"]) + lat_shift[m]) * KM_PER_DEG_LAT)
            site_org.append(key)
    # where the list does not reach, hospital organisations follow a national rate, at the largest seats
    uncovered = ~muni["base_code"].isin(_listed_hospital_coverage()).to_numpy()
    if uncovered.any() and r.hospitals_per_100k > 0:
        expected = np.where(uncovered, pop * r.hospitals_per_100k / 1e5, 0.0)
        counts = _largest_remainder(expected)
        for m in np.flatnonzero(counts):
            for k in range(counts[m]):
                key = f"Hospital {muni['name'].iloc[m]}" + (f" {k + 1}" if counts[m] > 1 else "")
                types.append(np.array([HOSPITAL]))
                munis.append(np.array([m]))
                names.append(np.array([key], dtype=object))
                xs.append(np.array([mx[m]]))
                ys.append(np.array([my[m]]))
                site_x.append(float(mx[m]))
                site_y.append(float(my[m]))
                site_org.append(key)
    n_hospitals = len(types)
    spread = r.jitter_km * np.sqrt(muni["area_km2"].to_numpy() / 100.0)
    for t, rate in enumerate(per_100k.as_tuple()):
        if t == HOSPITAL or rate <= 0:
            continue
        m_idx = np.repeat(np.arange(len(muni)), _largest_remainder(pop * rate / 1e5))
        types.append(np.full(m_idx.size, t))
        munis.append(m_idx)
        names.append(np.full(m_idx.size, "", dtype=object))
    if not types:
        raise RegionError(f"region '{r.preset}' has no organisations with these rates")
    org_type = np.concatenate(types).astype(np.int8)
    municipality = np.concatenate(munis).astype(np.int32)
    label = np.concatenate(names)
    placed_muni = municipality[n_hospitals:]
    # in the draw each type has its organisations' x, then their y (as two draws of that size, type after type, had)
    sizes = np.array([t.size for t in types[n_hospitals:]], dtype=np.int64)
    draw_x = np.repeat(np.cumsum(sizes) - sizes, sizes) + np.arange(placed_muni.size)
    hospital_ids = {str(label[i]): int(i) for i in range(n_hospitals)}
    sites = Sites(np.asarray(site_x), np.asarray(site_y), np.asarray([hospital_ids[o] for o in site_org], dtype=np.int64))
    codes, lat, lon = _municipality_arrays(muni)
    skeleton = _Skeleton(
        municipalities=muni.copy(),  # in one block per dtype: each region's copy of it is quicker
        municipality_codes=codes,
        municipality_lat=lat,
        municipality_lon=lon,
        km_per_deg_lon=km_per_deg_lon,
        mx=mx,
        my=my,
        pop=pop,
        org_type=org_type,
        municipality=municipality,
        org_name=label,
        of_type=tuple(np.flatnonzero(org_type == t) for t in range(len(ORG_TYPES))),
        referring=np.flatnonzero(np.isin(org_type, (GP, ELDERLY, HOME, MENTAL))),
        hospital_x=np.concatenate([np.zeros(0), *xs]),
        hospital_y=np.concatenate([np.zeros(0), *ys]),
        draw_x=draw_x,
        draw_y=draw_x + np.repeat(sizes, sizes),
        seat_x=mx[placed_muni],
        seat_y=my[placed_muni],
        spread=spread[placed_muni],
        sites=sites,
        hospital_of_municipality=sites.nearest_orgs(mx, my, 1)[:, 0] if sites.org.size else np.zeros(0, dtype=np.int64),
    )
    for value in (*vars(skeleton).values(), *skeleton.of_type, *vars(sites).values()):
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return skeleton


def _tiled(muni: pd.DataFrame, tiles: int) -> pd.DataFrame:
    """The region repeated ``tiles`` times on a grid (codes get a ``-k`` suffix): a synthetic larger region."""
    lon_span = float(muni["lon"].max() - muni["lon"].min()) + 0.3
    lat_span = float(muni["lat"].max() - muni["lat"].min()) + 0.3
    cols = int(np.ceil(np.sqrt(tiles)))
    copies = []
    for k in range(tiles):
        tile = muni.copy()
        tile["base_code"] = muni["code"]
        tile["lon_shift"] = (k % cols) * lon_span
        tile["lat_shift"] = (k // cols) * lat_span
        tile["lon"] = muni["lon"] + tile["lon_shift"]
        tile["lat"] = muni["lat"] + tile["lat_shift"]
        if k:
            tile["code"] = muni["code"] + f"-{k}"
            tile["name"] = muni["name"] + f" ({k})"
        copies.append(tile)
    return pd.concat(copies, ignore_index=True)


def _largest_remainder(expected: np.ndarray) -> np.ndarray:
    """Integer counts per municipality summing to round(total), each within 1 of its expectation."""
    floor = np.floor(expected).astype(np.int64)
    short = int(round(expected.sum())) - int(floor.sum())
    if short > 0:
        order = np.argsort(-(expected - floor), kind="stable")
        floor[order[:short]] += 1
    return floor


@dataclass(frozen=True)
class Sites:
    """Hospital sites (main and other locations) and the hospital organisation each belongs to."""

    x_km: np.ndarray
    y_km: np.ndarray
    org: np.ndarray

    def nearest_orgs(self, x: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
        """The ``k`` nearest distinct hospital organisations to each point, by their nearest site.

        Each point's first ``k`` distinct among its ``m`` nearest sites. Most points have them among
        their few nearest sites: where those do not tie, they are the first few of the ``m`` (as
        :func:`grid_nearest` says), so only the other points need the search of ``m``.
        """
        n_orgs = np.unique(self.org).size
        k = min(k, n_orgs)
        if k == 0 or x.size == 0:
            return np.zeros((x.size, 0), dtype=np.int64)
        m = min(self.org.size, 8 * k)
        sites, places = np.column_stack([self.x_km, self.y_km]), np.column_stack([x, y])
        near, tied = grid_nearest(sites, places, min(m, FEW_SITES_PER_ORG * k))
        first, found = _first_distinct(self.org[near], k)
        again = np.flatnonzero(tied | (found < k))
        if again.size:
            first[again], found[again] = _first_distinct(self.org[nearest(sites, places[again], m)], k)
        if (found < k).any():
            raise RegionError(f"fewer than {k} hospital organisations among a place's {m} nearest hospital sites")
        return first


@compiled()
def _first_distinct(rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``k`` distinct values of each row, in the row's order, and how many it has (up to ``k``)."""
    first = np.empty((rows.shape[0], k), dtype=np.int64)
    found = np.zeros(rows.shape[0], dtype=np.int64)
    for i in range(rows.shape[0]):
        for value in rows[i]:
            if found[i] == k:
                break
            if value not in first[i, :found[i]]:
                first[i, found[i]] = value
                found[i] += 1
    return first, found


def attributes(org_type: np.ndarray, room_z: np.ndarray, staff_u: np.ndarray,
               org: OrganisationParams) -> tuple[np.ndarray, np.ndarray]:
    """Financial room and free staff time of every organisation, from its place in its type's spread and the parameters.

    The region fixes each organisation's place in the spread (a standard normal and a uniform), the
    parameters the spread itself, so a parameter draw changes the values without redrawing the region.
    A model works out free staff time only where it reads it (``model.kernel.staff_capacity``).
    """
    staff_a, staff_b = staff_beta(org)
    return financial_room(org_type, room_z, org), special.betaincinv(staff_a[org_type], staff_b[org_type], staff_u)


def financial_room(org_type: np.ndarray, room_z: np.ndarray, org: OrganisationParams) -> np.ndarray:
    """Financial room: log-normal around the type's median (``financial_room_eur``, spread ``financial_room_sigma``)."""
    return np.asarray(org.financial_room_eur.as_tuple())[org_type] * np.exp(org.financial_room_sigma * room_z)


def staff_beta(org: OrganisationParams) -> tuple[np.ndarray, np.ndarray]:
    """The Beta shapes of free staff time per type: mean the type's ``staff_capacity``, ``staff_capacity_concentration``."""
    mean = np.clip(np.asarray(org.staff_capacity.as_tuple()), 1e-6, 1 - 1e-6)
    conc = org.staff_capacity_concentration
    return mean * conc, (1 - mean) * conc


def _allocate_clients(s: _Skeleton, x_km, y_km, org: OrganisationParams, rng) -> np.ndarray:
    """Each municipality's clients of a type go to its own organisations, else to the nearest one.

    For hospitals: the organisation of the nearest site. Sizes then spread log-normally over the whole
    region, keeping the type's total.
    """
    org_type, municipality, pop = s.org_type, s.municipality, s.pop
    patients = np.zeros(org_type.size)
    clients_rate = np.asarray(org.clients_per_100k.as_tuple())
    sigma = np.asarray(org.size_sigma.as_tuple())
    weights = np.exp(rng.normal(0.0, 1.0, org_type.size) * sigma[org_type])
    for t, idx in enumerate(s.of_type):
        if idx.size == 0:
            continue
        clients = pop * clients_rate[t] / 1e5
        if t == HOSPITAL and s.sites.org.size:
            owner = s.hospital_of_municipality
            # hospital organisations placed by rate sit together at their municipality's seat: a municipality
            # whose nearest site is such a seat shares its clients equally between them, rather than all going
            # to whichever the nearest-site search lists first
            per_muni = np.bincount(municipality[idx], minlength=pop.size)
            seat = municipality[owner]
            split = per_muni[seat] > 1
            patients += np.bincount(owner[~split], weights=clients[~split], minlength=org_type.size)
            if split.any():
                share = np.bincount(seat[split], weights=clients[split], minlength=pop.size) / np.maximum(per_muni, 1)
                patients[idx] += share[municipality[idx]]
            continue
        per_muni = np.bincount(municipality[idx], minlength=pop.size)
        # municipalities without an organisation of this type send their clients to the nearest one
        without = np.flatnonzero(per_muni == 0)
        closest = nearest(np.column_stack([x_km[idx], y_km[idx]]), np.column_stack([s.mx[without], s.my[without]]), 1)[:, 0]
        base = clients[municipality[idx]] / per_muni[municipality[idx]]
        base = base + np.bincount(closest, weights=clients[without], minlength=idx.size)
        sized = base * weights[idx]
        patients[idx] = sized * base.sum() / sized.sum()
    return patients


def _build_ties(s: _Skeleton, x_km, y_km, params: Params, rng) -> tuple[sparse.csr_matrix, dict[str, int]]:
    org_type, sites, net = s.org_type, s.sites, params.network
    n = org_type.size
    xy = np.column_stack([x_km, y_km])
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    counts: dict[str, int] = {}

    def add(kind: str, a: np.ndarray, b: np.ndarray) -> None:
        keep = a != b
        rows.append(a[keep])
        cols.append(b[keep])
        counts[kind] = counts.get(kind, 0) + int(keep.sum())

    k = min(net.distance_ties, n - 1)
    if k > 0:
        nn = nearest(xy, xy, k + 1)
        add("distance", np.repeat(np.arange(n), k), nn[:, 1:].ravel())

    for idx in s.of_type:
        m = min(net.peer_candidates, idx.size - 1)
        k = min(net.peer_ties, m)
        if k <= 0:
            continue
        candidates = nearest(xy[idx], xy[idx], m + 1)[:, 1:]
        pick = np.argsort(rng.random(candidates.shape), axis=1)[:, :k]
        chosen = np.take_along_axis(candidates, pick, axis=1)
        add("peer", np.repeat(idx, k), idx[chosen.ravel()])

    def nearest_of(t: int, sources: np.ndarray, k: int) -> np.ndarray | None:
        targets = s.of_type[t]
        k = min(k, targets.size)
        if k <= 0 or sources.size == 0:
            return None
        return targets[nearest(xy[targets], xy[sources], k)]

    referring = s.referring
    hosp = sites.nearest_orgs(x_km[referring], y_km[referring], 2) if sites.org.size else None
    if hosp is not None and hosp.shape[1] > 0:
        add("referral", referring, hosp[:, 0])
        if hosp.shape[1] > 1:
            second = rng.random(referring.size) < net.second_hospital_share
            add("referral", referring[second], hosp[second, 1])
    gps = s.of_type[GP]
    pharm = nearest_of(PHARMACY, gps, net.gp_pharmacies)
    if pharm is not None:
        add("referral", np.repeat(gps, pharm.shape[1]), pharm.ravel())
    homes = s.of_type[HOME]
    home_gps = nearest_of(GP, homes, net.home_care_gps)
    if home_gps is not None:
        add("referral", np.repeat(homes, home_gps.shape[1]), home_gps.ravel())

    # undirected 0/1 ties: each pair once per direction, rows and columns in order
    no_ties = np.zeros(0, dtype=np.int64)
    pairs = _both_ways(np.concatenate([no_ties, *rows]), np.concatenate([no_ties, *cols]), n)
    pairs.sort()  # (np.unique is several times slower here)
    indptr, indices = _csr_of_sorted(pairs, n)
    a = sparse.csr_matrix((np.ones(indices.size), indices, indptr), shape=(n, n))
    a.has_sorted_indices = True
    counts["unique_undirected"] = int(a.nnz // 2)
    return a, counts


@compiled()
def _both_ways(rows: np.ndarray, cols: np.ndarray, n: int) -> np.ndarray:
    """Each tie ``rows[i]``-``cols[i]`` as the codes ``row * n + col`` of its two directions."""
    pairs = np.empty(2 * rows.size, dtype=np.int64)
    for i in range(rows.size):
        pairs[2 * i] = rows[i] * n + cols[i]
        pairs[2 * i + 1] = cols[i] * n + rows[i]
    return pairs


@compiled()
def _csr_of_sorted(pairs: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR ``indptr`` and ``indices`` of sorted codes ``row * n + col``, repeats once: one pass instead of eight."""
    indptr = np.zeros(n + 1, dtype=np.int32)
    indices = np.empty(pairs.size, dtype=np.int32)
    kept = 0
    for i in range(pairs.size):
        if i == 0 or pairs[i] != pairs[i - 1]:
            indices[kept] = pairs[i] % n
            indptr[pairs[i] // n + 1] += 1
            kept += 1
    for r in range(n):
        indptr[r + 1] += indptr[r]
    return indptr, indices[:kept].copy()
