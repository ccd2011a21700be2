"""The survey domain: who was asked, what they answered, what was published, what was corrected,
and the editorial machinery behind it. One module per area; every model is importable from here.

Every fact that comes from outside carries a ``source`` (a Publication). Unknown values are
stored as NULL, never as 0 or False, so a gap stays a gap.
"""

from surveys.models.answer_rounds import AnswerRound  # noqa: F401
from surveys.models.answers import (  # noqa: F401
    Answer,
    AnswerKind,
    AnswerVendor,
    Vendor,
    VendorAlias,
    VendorConcern,
    counts_toward_concern,
)
from surveys.models.collection import (  # noqa: F401
    COLLECTION_MODELS,
    Collection,
    CollectionRequest,
    CollectionSystemType,
    Invitation,
    OnlineAnswer,
    OnlineReturn,
)
from surveys.models.editorial import (  # noqa: F401
    ChangeDraft,
    DataVersion,
    ImportDraft,
    ReferenceLoad,
    ReferenceRecord,
)
from surveys.models.evidence import (  # noqa: F401
    CommissionerTerm,
    PublicEvidence,
)
from surveys.models.key_findings import (  # noqa: F401
    KeyFinding,
    KeyFindingDraft,
    check_key_sentence,
)
from surveys.models.publications import Publication, licence_groups  # noqa: F401
from surveys.models.publishing import (  # noqa: F401
    CORRECTION_TARGETS,
    Correction,
    CorrectionQuerySet,
    PublishedFinding,
    WithdrawalDraft,
)
from surveys.models.summaries import (  # noqa: F401
    EVERY_ROUND,
    NOT_ONE,
    SUMMARY_MODELS,
    BodyRoundSummary,
    BodyRoundVendorSummary,
    BodyTypeSummary,
    BodyVendorSummary,
    RoundSummary,
    RoundTypeSummary,
    RoundTypeValueSummary,
    RoundTypeVendorSummary,
    SummaryDirty,
    SummaryDirtyPart,
    VendorSummary,
)
from surveys.models.survey import (  # noqa: F401
    Body,
    BodyAlias,
    Return,
    RoundSystemType,
    SurveyRound,
    SystemType,
)
from surveys.values import FacialRecognitionKind  # noqa: F401
