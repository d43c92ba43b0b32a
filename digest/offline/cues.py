"""Cue words the offline engine's readers share.

PROPOSE       "we propose / this paper introduces ..." (what the paper does)
SELF          "to address / we propose" (a sentence about the paper itself)
LEAD_IN       sentence openers that carry nothing ("However,", "In particular,")
LEAD_ARTICLE  a leading article
FRAME         a phrase that opens on a pronoun or on the paper itself ("It ...", "These models
              ...", "We ...", "This paper ..."): it means nothing once out of its sentence
SELF_NOUN     "It" / "This method" / "Our approach" / "The proposed system": the paper's own
              method as a subject, which the method's name can stand for
"""

from __future__ import annotations

import re

__all__ = ["FRAME", "LEAD_ARTICLE", "LEAD_IN", "METHOD_NOUNS", "PROPOSE", "SELF", "SELF_NOUN"]

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
    r"in contrast|thus|therefore|in general|most importantly|more importantly|subsequently|"
    r"then|first|second|third|lastly|here|also|in summary|in conclusion|to summarize|"
    r"taken together|altogether)\s*,?\s+)+",
    re.I,
)
LEAD_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)
FRAME = re.compile(
    r"^(?:it|its|this|these|that|those|they|their|them|we|our|us|here|in this (?:work|paper|study|"
    r"article))\b",
    re.I,
)
# the nouns a paper calls its own method by ("our approach", "this framework")
METHOD_NOUNS = (
    r"(?:method|approach|model|system|framework|algorithm|architecture|technique|tool|"
    r"pipeline|protocol|scheme|agent|design|network|estimator|solution)"
)
SELF_NOUN = re.compile(
    rf"^(?:it|(?:this|our|the proposed|the new|our proposed) (?:new )?{METHOD_NOUNS})\b", re.I
)
