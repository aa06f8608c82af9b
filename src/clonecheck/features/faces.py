"""Face detection and 128-d embeddings with face_recognition (dlib's HOG detector and ResNet).

The face model is the expensive stage (about 0.2-0.5 s a photo on one core), so the service
runs it only on registered photos and on candidates picked by cheaper signals. Large images are
scaled down before detection: profile photos rarely need more than 800 px to find a face, and
the detector's cost grows with the pixel count. Face boxes are in the decoded image's pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from types import ModuleType

import numpy as np
from PIL import Image, ImageFile

from clonecheck.config import Config
from clonecheck.errors import PhotoError
from clonecheck.features import imaging
from clonecheck.models import Face, FaceStatus


@cache
def _model() -> ModuleType:
    """face_recognition, imported on first use: loading dlib and its models costs seconds of
    CPU that commands without photos (``--help``, the case commands) must not pay."""
    import face_recognition

    # face_recognition sets this Pillow-wide flag on import, which would make truncated photos
    # decode silently with grey filler; clonecheck refuses them (features.imaging), so undo it.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    module: ModuleType = face_recognition
    return module


#: detection runs on a copy whose long side is at most this
DETECT_SIDE = 800
#: below this short side a photo is a small avatar: the detector upsamples it from the start
SMALL_AVATAR = 200


def upsample_passes(short_side: int, config: Config) -> int:
    """The HOG detector's first try: ``face_upsample`` passes for avatars under
    ``SMALL_AVATAR`` px, one fewer for larger photos, whose faces it finds without (measured:
    100 % at 250 px with none, at a quarter of the cost). A photo with no face found gets one
    more pass."""
    if short_side < SMALL_AVATAR:
        return config.face_upsample
    return max(config.face_upsample - 1, 0)


def detect_faces(image: Image.Image, config: Config) -> tuple[FaceStatus, tuple[Face, ...]]:
    """Every face in the photo with its embedding, and the status saying why there is none."""
    scale = 1.0
    work = image.convert("RGB")
    if max(work.size) > DETECT_SIDE:
        scale = max(work.size) / DETECT_SIDE
        work = work.resize(
            (round(work.width / scale), round(work.height / scale)), Image.Resampling.BILINEAR
        )
    array = np.ascontiguousarray(np.asarray(work, dtype=np.uint8))
    passes = upsample_passes(min(work.size), config)
    face_recognition = _model()
    try:
        locations = face_recognition.face_locations(
            array, number_of_times_to_upsample=passes, model="hog"
        )
        if not locations:
            locations = face_recognition.face_locations(
                array, number_of_times_to_upsample=passes + 1, model="hog"
            )
        if not locations:
            return FaceStatus.NO_FACE, ()
        usable = [
            box
            for box in locations
            if min(box[2] - box[0], box[1] - box[3]) * scale >= config.min_face_px
        ]
        if not usable:
            return FaceStatus.TOO_SMALL, ()
        encodings = face_recognition.face_encodings(array, known_face_locations=usable)
    except (RuntimeError, ValueError, MemoryError):
        return FaceStatus.FAILED, ()
    faces = tuple(
        Face(
            top=round(top * scale),
            right=round(right * scale),
            bottom=round(bottom * scale),
            left=round(left * scale),
            encoding=tuple(float(x) for x in encoding),
        )
        for (top, right, bottom, left), encoding in zip(usable, encodings, strict=True)
    )
    return FaceStatus.FOUND, faces


def detect_in_bytes(
    data: bytes, source: str, config: Config
) -> tuple[FaceStatus, tuple[Face, ...]]:
    """Decode stored photo bytes at full size and detect faces; for worker processes, so a
    photo that cannot be decoded is a FAILED status, not an exception."""
    try:
        image = imaging.decode(data, source, config)
    except PhotoError:
        return FaceStatus.FAILED, ()
    return detect_faces(image, config)


def largest_face(faces: Sequence[Face]) -> Face | None:
    """The face a registered person's photo stands for: the largest one in it."""
    return max(faces, key=lambda face: face.area, default=None)


def face_distance(registered: Sequence[Face], candidate: Sequence[Face]) -> float | None:
    """Closest euclidean distance between any registered face and any candidate face."""
    if not registered or not candidate:
        return None
    left = np.asarray([f.encoding for f in registered], dtype=np.float64)
    right = np.asarray([f.encoding for f in candidate], dtype=np.float64)
    distances = np.linalg.norm(left[:, np.newaxis, :] - right[np.newaxis, :, :], axis=2)
    return float(distances.min())
