"""Events roster publishes: its public contract. Other services may import this module (and the feature
modules' schemas) and nothing else of roster. Payloads never carry full ID numbers or unmasked names."""

from __future__ import annotations

from services.kernel.events.event import Event


class RosterEvent(Event):
    """Base of roster's events (registered by type and version when the class is defined)."""


class SchoolRegistered(RosterEvent):
    TYPE = "roster.school.registered"

    school_code: str
    province_code: str
    name: str


class CollegeCreated(RosterEvent):
    TYPE = "roster.college.created"

    college_id: str
    school_code: str
    province_code: str
    code: str
    name: str


class ClassCreated(RosterEvent):
    TYPE = "roster.class.created"

    class_id: str
    college_id: str
    school_code: str
    province_code: str
    code: str
    name: str


class SchoolUpdated(RosterEvent):
    """A school's name (or another published fact) changed: read models that show it follow."""

    TYPE = "roster.school.updated"

    school_code: str
    province_code: str
    name: str


class CollegeUpdated(RosterEvent):
    """A college was renamed or recoded; every read model row of its students follows."""

    TYPE = "roster.college.updated"

    college_id: str
    school_code: str
    province_code: str
    code: str
    name: str


class ClassUpdated(RosterEvent):
    """A class was renamed or recoded (class_no downstream is the class code)."""

    TYPE = "roster.class.updated"

    class_id: str
    college_id: str
    school_code: str
    province_code: str
    code: str
    name: str


class StudentFacts(RosterEvent):
    """What other services may know of a student: a pseudonymous key and masked, non-identifying facts.
    Never the full ID number; the name only masked (王*明)."""

    subject_key: str
    school_code: str
    province_code: str
    term: str
    college_id: str | None
    college_name: str | None
    class_id: str | None
    class_no: str | None
    class_name: str | None
    campus: str | None
    level: str
    sex: str
    masked_name: str
    masked_id_number: str
    roster_order: int  # position in the class list (学号 order): the queue order on capture day


class StudentApproved(StudentFacts):
    """The province approved the student for this term's capture: from now on they may be scheduled."""

    TYPE = "roster.student.approved"


class StudentUpdated(StudentFacts):
    """An approved student's facts changed (an erratum was applied, or they moved class)."""

    TYPE = "roster.student.updated"


class StudentWithdrawn(RosterEvent):
    """An approved student is no longer eligible (approval revoked): drop them from schedules and orders."""

    TYPE = "roster.student.withdrawn"

    subject_key: str
    school_code: str
    province_code: str
    reason: str


class CaptureCodeRegistered(RosterEvent):
    """The student registered their CHSI capture code (学信网图像采集码), an opaque string."""

    TYPE = "roster.student.capture_code_registered"

    subject_key: str
    school_code: str
    province_code: str
    capture_code: str


class ErratumRequested(RosterEvent):
    """A correction (勘误) to a student's data was requested: by the student while proofreading their photo
    (`source` "proofreading") or by the school. Which field only, never the old or new value (they may be a name
    or an ID number); `subject_key` is None for a student not (yet) approved."""

    TYPE = "roster.erratum.requested"

    erratum_id: str
    subject_key: str | None
    school_code: str
    province_code: str
    field: str
    source: str
