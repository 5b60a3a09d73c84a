"""The cases app's models: cases and their history (core), and the assets enforced against (assets)."""
from cases.models.assets import (
    Asset,
    AssetCase,
    Auction,
    AuctionRound,
    CreditorOffer,
    Distribution,
    DistributionShare,
    EnforcementCost,
    Seizure,
    Valuation,
)
from cases.models.core import (
    Case,
    CaseChange,
    CaseEvent,
    CaseOfficerChange,
    OpenDeadline,
    Party,
    PartyCorrection,
    Payout,
    PublicHoliday,
)

__all__ = ["Asset", "AssetCase", "Auction", "AuctionRound", "Case", "CaseChange", "CaseEvent", "CaseOfficerChange",
           "CreditorOffer",
           "Distribution", "DistributionShare", "EnforcementCost", "OpenDeadline", "Party", "PartyCorrection",
           "Payout", "PublicHoliday", "Seizure", "Valuation"]
