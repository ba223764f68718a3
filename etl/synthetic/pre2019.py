"""Synthetic figures of a pre2019 report (layout `etl.layouts.pre2019`), every identity kept.

Parts add up to their totals (publishers, townships' 权责清单, relief recipients, requests by
channel of application, by reply and by reason of refusal, completed on time and late), and
percentages are the ratio they describe rounded half up to one decimal. Figures grow with the
body's level and, slowly, with the year. Blank where such a body has nothing to say: only a
county lists townships, a township keeps no fiscal figures.
"""

from __future__ import annotations

import random

from etl.consistency import LEGACY_REPLY_TYPES
from etl.synthetic.bodies import Body
from etl.synthetic.figures import Figures, register_figures, share_pct, split

CHANNELS_NEW_MEDIA = ("weibo", "wechat", "app")
CATEGORIES = ("common_work", "budgets", "procurement", "poverty_alleviation", "audit_reports")
PROGRAMMES = (
    "temporary_assistance",
    "medical_assistance",
    "urban_dibao",
    "rural_dibao",
    "rural_wubao",
    "disaster_relief",
    "special_care",
)
RELIEF_CATEGORIES = (
    "social_assistance",
    "living_security",
    "disaster",
    "special_care",
    "emergency_platform",
)
RECEIVED_CHANNELS = ("in_person", "fax", "online", "letter")
REPLY_TYPES = LEGACY_REPLY_TYPES
REFUSAL_REASONS = (
    "state_secret",
    "commercial_secret",
    "privacy",
    "security_stability",
    "not_government_information",
    "other_law",
)
REVIEW_BLOCKS = ("review", "litigation", "complaint")
REVIEW_PARTS = ("upheld", "corrected", "other", "pending")


def pre2019_figures(body: Body, year: int, seed: int) -> Figures:
    """Every figure of a pre2019 report of `body` for `year`, consistent with itself."""
    rng = random.Random(f"{seed}/{body.code}/{year}/pre2019")
    size = body.scale * (1 + 0.06 * (year - 2008))
    figures: Figures = {}
    _proactive(figures, body, size, rng)
    _response(figures, size, rng)
    if body.townships:
        items = {name: rng.randint(60, 90) for name in body.townships}
        figures["rights.items_by_township"] = items
        figures["rights.items_total"] = sum(items.values())
        figures["rights.townships"] = len(items)
    if body.level_code != "township":
        _fiscal(figures, size, rng)
    _relief(figures, body, size, rng)
    _requests(figures, size, rng)
    figures["fees.charged_amount"] = 0
    figures["fees.waived_amount"] = 0
    _review(figures, size, rng)
    _organisation(figures, size, rng)
    return figures


def _count(rng: random.Random, size: float, low: int, high: int) -> int:
    return int(rng.randint(low, high) * size)


def _proactive(figures: Figures, body: Body, size: float, rng: random.Random) -> None:
    total = max(1, _count(rng, size, 300, 1200))
    figures["proactive.total"] = total
    issued = _count(rng, size, 5, 40)
    figures["proactive.normative_documents_issued"] = issued
    figures["proactive.normative_documents"] = rng.randint(0, issued)
    groups = {
        "township": ("townships",),
        "department": ("departments",),
    }.get(body.level_code, ("townships", "departments", "other"))
    for group, part in zip(groups, split(total, len(groups), rng), strict=True):
        figures[f"proactive.by_publisher.{group}"] = part
    website = int(total * rng.uniform(0.6, 0.95))
    new_media = split(int(total * rng.uniform(0.02, 0.15)), 3, rng)
    channels = {
        "gazette": int(total * rng.uniform(0.0, 0.05)),
        "website": website,
        "new_media": sum(new_media),
        **dict(zip(CHANNELS_NEW_MEDIA, new_media, strict=True)),
        "other": int(total * rng.uniform(0.0, 0.1)),
    }
    for channel, count in channels.items():
        figures[f"proactive.channel.{channel}:count"] = count
    for channel in ("website", "new_media"):
        figures[f"proactive.channel.{channel}:share_pct"] = share_pct(channels[channel], total)
    for category in CATEGORIES:
        figures[f"proactive.by_category.{category}"] = _count(rng, size, 2, 200)
    figures["proactive.by_category.other"] = _count(rng, size, 0, 50)


def _response(figures: Figures, size: float, rng: random.Random) -> None:
    for code, high in (
        ("hot_topics", 30),
        ("press_conferences", 12),
        ("online_interviews", 10),
        ("policy_interpretations", 60),
        ("social_media_responses", 20),
    ):
        figures[f"response.{code}"] = _count(rng, size, 0, high)


def _fiscal(figures: Figures, size: float, rng: random.Random) -> None:
    required = max(1, _count(rng, size, 5, 25))
    allocated = rng.randint(1, required)
    disclosed = rng.randint(0, allocated)
    allocated_amount = round(rng.uniform(100, 30000) * size, 1)
    disclosed_amount = round(allocated_amount * disclosed / allocated, 1)
    figures |= {
        "fiscal.budget_units": _count(rng, size, 10, 30),
        "fiscal.budget_disclosure_rate_pct": rng.choice((100, 100, 100, 98.5, 96.0)),
        "fiscal.special_funds_required": required,
        "fiscal.special_funds_allocated": allocated,
        "fiscal.special_funds_allocated_amount": allocated_amount,
        "fiscal.special_funds_disclosed": disclosed,
        "fiscal.special_funds_disclosed_pct": share_pct(disclosed, allocated),
        "fiscal.special_funds_disclosed_amount": disclosed_amount,
        "fiscal.special_funds_disclosed_amount_pct": share_pct(disclosed_amount, allocated_amount),
    }


def _relief(figures: Figures, body: Body, size: float, rng: random.Random) -> None:
    if body.level_code == "department" and rng.random() < 0.7:
        return  # most departments run no relief programme
    recipients = {p: _count(rng, size, 50, 20000) for p in PROGRAMMES}
    for programme, count in recipients.items():
        figures[f"relief.recipients.{programme}"] = count
    figures["relief.recipients_total"] = sum(recipients.values())
    for category in RELIEF_CATEGORIES:
        figures[f"relief.policies.{category}"] = rng.randint(0, 8)
    figures["relief.disclosures"] = rng.randint(1, 40)


def _requests(figures: Figures, size: float, rng: random.Random) -> None:
    received = _count(rng, size, 0, 40)
    prefix = "requests.legacy"
    for channel, count in zip(RECEIVED_CHANNELS, split(received, 4, rng), strict=True):
        figures[f"{prefix}.received.{channel}"] = count
    replies = dict(zip(REPLY_TYPES, split(received, len(REPLY_TYPES), rng), strict=True))
    for reply, count in replies.items():
        figures[f"{prefix}.replies.{reply}"] = count
    reasons = split(replies["refused"], len(REFUSAL_REASONS), rng)
    for reason, count in zip(REFUSAL_REASONS, reasons, strict=True):
        figures[f"{prefix}.replies.refused.{reason}"] = count
    on_time = rng.randint(0, received)
    figures |= {
        f"{prefix}.received": received,
        f"{prefix}.replies": received,
        f"{prefix}.completed": received,
        f"{prefix}.completed.on_time": on_time,
        f"{prefix}.completed.extended": received - on_time,
    }
    if received:
        figures["requests.response_rate_pct"] = share_pct(received, received)


def _review(figures: Figures, size: float, rng: random.Random) -> None:
    for block in REVIEW_BLOCKS:
        parts = [_count(rng, size, 0, 2) for _ in REVIEW_PARTS]
        for part, count in zip(REVIEW_PARTS, parts, strict=True):
            figures[f"review.{block}:{part}"] = count
        figures[f"review.{block}:total"] = sum(parts)


def _organisation(figures: Figures, size: float, rng: random.Random) -> None:
    figures |= {
        "organisation.dedicated_offices": 1,
        "organisation.reading_points": max(1, _count(rng, size, 1, 6)),
        "organisation.full_time_staff": max(1, _count(rng, size, 1, 4)),
        "organisation.part_time_staff": _count(rng, size, 1, 10),
        "organisation.budget_amount": round(rng.uniform(0.5, 20) * size, 1),
        "organisation.meetings": _count(rng, size, 1, 6),
    }
    trainings = _count(rng, size, 1, 8)
    figures["organisation.trainings"] = trainings
    figures["organisation.trainees"] = trainings * rng.randint(10, 60)


register_figures("pre2019", pre2019_figures)
