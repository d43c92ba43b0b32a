"""Cue words the offline engine's readers share.

PROPOSE       "we propose / this paper introduces ..." (what the paper does)
SELF          "to address / we propose" (a sentence about the paper itself)
LEAD_IN       sentence openers that carry nothing ("However,", "In particular,")
LEAD_ARTICLE  a leading article
"""

from __future__ import annotations

import re

__all__ = ["LEAD_ARTICLE", "LEAD_IN", "PROPOSE", "SELF"]

PROPOSE = re.compile(
    r"\b(?:we|this (?:paper|work|article|study|letter|survey|report)|the (?:present )?paper|"
    r"our (?:work|paper))\s+(?:(?:first|then|also|further|therefore|thus|here|now|additionally|"
    r"instead|newly)\s+)?(?:propose|introduce|present|design|develop|devise|put forward|"
    r"construct|formulate|create|build|describe)(?:s|d)?\b\s*(?:here\s+)?(?:to\s+(?:develop|"
    r"build|use|design|learn)\s+)?",
    re.I,
)
SELF = re.compile(
    r"\b(?:to (?:address|overcome|tackle|solve|bridge|fill|break)|we propose)\b", re.I
)


LEAD_IN = re.compile(
    r"^(?:(?:however|unfortunately|nevertheless|nonetheless|yet|moreover|furthermore|"
    r"in particular|in addition|in practice|notably|importantly|specifically|crucially|"
    r"empirically|experimentally|overall|finally|additionally|as a result|consequently|"
    r"in contrast|thus|therefore|in general|most importantly|more importantly)\s*,?\s+)+",
    re.I,
)
LEAD_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)
