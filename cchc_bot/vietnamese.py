"""Vietnamese text normalisation for matching: one pipeline for questions and queries alike.

The pipeline folds everything to plain ASCII syllables, so accented, unaccented and
differently-accented spellings meet: NFC/NFD and both tone placements (hòa/hoà), case,
diacritics (đ → d), zero-width characters, emoji and punctuation, Telex/VNI leftovers typed
without an input method ("baanf" → ban, "ba6n" → ban), stretched letters ("đượccc"), and
finally abbreviation, teencode and synonym expansion ("tn" → tot nghiep) with filler words
("ạ", "cho em hỏi") dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from cchc_bot.lexicon import CHAT_ABBREVIATIONS, CHAT_FILLER, REGIONAL_VARIANTS

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER_SEPARATOR = re.compile(r"(?<=\d)\.(?=\d)")
_MAX_EXPANSION_PASSES = 12

# --- tone marks --------------------------------------------------------------------------

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
_SHAPE_MARKS = {"\u0302", "\u0306", "\u031b"}  # circumflex (â ê ô), breve (ă), horn (ơ ư)
_VOWELS = set("aeiouy")
_NEW_STYLE_PAIRS = {"oa", "oe", "uy"}  # open syllables whose tone sits on the second vowel


def nfc(text: str) -> str:
    """Unicode NFC without invisible characters (zero-width spaces, soft hyphens, BOM)."""
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", text))


_COMBINING = re.compile(r"[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower-case and remove every diacritic: 'Đăng ký THPT' → 'dang ky thpt'."""
    if text.isascii():
        return text.lower()
    lowered = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).lower()
    if lowered.isascii():
        return lowered
    return _COMBINING.sub("", unicodedata.normalize("NFD", lowered)).replace("đ", "d")


def strip_diacritics(text: str) -> str:
    """What a phone without a Vietnamese keyboard produces: 'Đăng ký' → 'Dang ky' (case kept)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", _COMBINING.sub("", decomposed))


def _place_tone(letters: list[tuple[str, set[str]]], tone: str) -> int:
    """Index of the letter that carries the tone mark in a syllable (modern placement)."""
    vowel_idx = [i for i, (base, _) in enumerate(letters) if base in _VOWELS]
    if not vowel_idx:
        return -1
    start = vowel_idx[0]
    bases = "".join(base for base, _ in letters)
    # 'qu' and 'gi' + vowel: the u / i belongs to the onset.
    if start > 0 and bases[start - 1 : start + 1] in ("qu", "gi") and len(vowel_idx) > 1:
        vowel_idx = vowel_idx[1:]
    cluster = [i for i in vowel_idx if i <= vowel_idx[0] + 2]
    shaped = [i for i in cluster if letters[i][1] & _SHAPE_MARKS]
    if shaped:
        return shaped[-1]  # ươ → on ơ; otherwise the one shaped vowel
    closed = cluster[-1] + 1 < len(letters)
    if len(cluster) == 1:
        return cluster[0]
    if closed or len(cluster) == 3:
        return cluster[-1] if closed else cluster[1]
    pair = "".join(letters[i][0] for i in cluster)
    return cluster[1] if pair in _NEW_STYLE_PAIRS else cluster[0]


def canonical_accents(text: str) -> str:
    """NFC text with tone marks moved to one canonical place per syllable (hòa → hoà)."""

    def fix(match: re.Match[str]) -> str:
        word = unicodedata.normalize("NFD", match.group(0))
        letters: list[tuple[str, set[str]]] = []
        tone = ""
        for ch in word:
            if ch in _TONE_MARKS:
                tone = ch
            elif unicodedata.combining(ch) and letters:
                letters[-1][1].add(ch)
            else:
                letters.append((ch, set()))
        if not tone:
            return match.group(0)
        lowered = [(base.lower(), marks) for base, marks in letters]
        where = _place_tone(lowered, tone)
        if where < 0:
            return match.group(0)
        out = []
        for i, (base, marks) in enumerate(letters):
            out.append(base + "".join(sorted(marks)) + (tone if i == where else ""))
        return unicodedata.normalize("NFC", "".join(out))

    return _TOKEN.sub(fix, nfc(text))


# --- keyboard leftovers ----------------------------------------------------------------

_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx]"
_NUCLEI = (
    "uye|uya|uyu|uoi|uou|ieu|yeu|oai|oay|oeo|uay|uai|uau|uoi|"
    "ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ya|ye|"
    "a|e|i|o|u|y"
)
_CODAS = "ch|ng|nh|[cmnpt]"
_SYLLABLE = re.compile(rf"^(?:{_ONSETS})?(?:{_NUCLEI})(?:{_CODAS})?$")
_OO_WORDS = {"xoong", "boong", "goong", "coong", "soong", "loong", "moong"}
_TELEX_TONES = "sfrxj"
_STOP_CODAS = ("c", "ch", "p", "t")
_TELEX_PAIRS = re.compile(r"aa|aw|ee|oo|ow|uw|dd")
# A vowel pair ending in a glide (ai, ao, eu …) never takes a final consonant: "vain" is no
# syllable, though the loose `_SYLLABLE` pattern accepts it.
_GLIDE_CODA = re.compile(r"(?:ai|ay|ao|au|eo|eu|iu|oi|ui|uu)(?:ch|ng|nh|[cmnpt])$")
_TELEX_SHAPES = re.compile(r"uwow|uow|uwo|aa|aw|ee|oo|ow|uw|dd|w")
_TELEX_FOLD = {"uwow": "uo", "uow": "uo", "uwo": "uo", "dd": "d", "w": "u"}
_VNI = re.compile(r"^[a-z]+(?:[1-9][a-z]*)+$")


def is_syllable(token: str) -> bool:
    """Whether a folded token has the shape of one Vietnamese syllable."""
    return bool(_SYLLABLE.match(token)) and not ("oo" in token and token not in _OO_WORDS)


def _telex_shapes(body: str) -> str:
    return _TELEX_SHAPES.sub(lambda m: _TELEX_FOLD.get(m.group(0), m.group(0)[0]), body)


def _from_telex(token: str) -> str | None:
    body = token
    if body[-1] in _TELEX_TONES and len(body) > 1:
        body = body[:-1]
    body = _telex_shapes(body)
    if body != token and is_syllable(body):
        return body
    return _from_telex_inside(token)


def _from_telex_inside(token: str) -> str | None:
    """A tone key typed before the syllable's end: "toost" → tot, "lafm" → lam, "hojc" → hoc,
    "truwowfng" → truong, "giaasy" → giay.

    No Vietnamese syllable has s, f, r, x or j after its first vowel, so one such letter there
    can only be a tone key. A syllable closed by c, ch, p or t takes only the sắc (s) or nặng
    (j) tone, which keeps "text", "next", "port" as typed. Without another Telex key (aa, ow,
    dd …), a tone key between two vowels ("taxi", "visa") or s before a final t ("test",
    "post") is read as an English word.
    """
    first_vowel = next((i for i, ch in enumerate(token) if ch in _VOWELS), -1)
    if first_vowel < 0:
        return None
    keys = [i for i in range(first_vowel + 1, len(token) - 1) if token[i] in _TELEX_TONES]
    if len(keys) != 1:
        return None
    at = keys[0]
    tone, rest = token[at], token[:at] + token[at + 1 :]
    body = _telex_shapes(rest)
    if not is_syllable(body) or _GLIDE_CODA.search(body):
        return None
    if body.endswith(_STOP_CODAS) and tone not in "sj":
        return None
    plain = not _TELEX_PAIRS.search(token)  # no other Telex key: "taxi", "test" stay
    if plain and (token[at + 1] in _VOWELS or (tone == "s" and token.endswith("st"))):
        return None
    return body


def _from_vni(token: str) -> str | None:
    if not _VNI.match(token):
        return None
    digits = [ch for ch in token if ch.isdigit()]
    tones = [d for d in digits if d in "12345"]
    shapes = [d for d in digits if d in "689"]
    if len(tones) > 1 or len(shapes) != len(set(shapes)) or digits.count("7") > 2:
        return None  # one tone; a shape once, except the horn: "u7o7" = ươ
    if "9" in digits and "d9" not in token:
        return None
    body = re.sub(r"[1-9]", "", token)
    return body if is_syllable(body) else None


def _collapse_stretch(token: str) -> str:
    """'duoccc' → 'duoc', 'khoooong' → 'khong': stretched vowels and word endings shrink.

    Only runs of three or more letters at the end of a word, or of vowels, are touched, so
    abbreviations such as 'cccd' survive.
    """
    token = re.sub(r"([a-z])\1{2,}$", r"\1", token)
    return re.sub(r"([aeiouy])\1{2,}", r"\1", token)


_I_Y_SPELLING = re.compile(r"^(ngh|ng|nh|ch|gh|kh|ph|th|tr|[bcdghklmnprstv])y$")


@lru_cache(maxsize=65536)
def _unify_i_y(token: str) -> str:
    """Both spellings are in use (kĩ/kỹ, lí/lý, qui/quy): settle on one."""
    if token == "qui":
        return "quy"
    return _I_Y_SPELLING.sub(r"\1i", token)


@lru_cache(maxsize=65536)
def repair_token(token: str) -> str:
    """Undo keyboard leftovers in one folded token; tokens that already look right stay."""
    if is_syllable(token) or not token.isascii():
        return _unify_i_y(token)
    token = _collapse_stretch(token)
    if not is_syllable(token):
        token = _from_telex(token) or _from_vni(token) or token
    return _unify_i_y(token)


def tokenize(text: str) -> list[str]:
    """Folded word tokens; punctuation, emoji and symbols separate tokens and disappear.

    Digit groups joined by a dot are one number ("02993.616042", "1.005142", "100.000"):
    people type them with or without the dot. A hyphen stays a separator ("lớp 8-9").
    """
    return _TOKEN.findall(_NUMBER_SEPARATOR.sub("", fold(text)))


# --- expansion -------------------------------------------------------------------------


def _spelled(phrase: str) -> tuple[str, ...]:
    """Tokens of a synonym-table phrase, spelled the way `Normalizer.tokens` spells them."""
    return tuple(_unify_i_y(t) for t in tokenize(phrase))


_END = ""  # trie key marking the end of a phrase (tokens are never empty)
_CACHE_LIMIT = 100_000  # words remembered by one normaliser (memory stays bounded)


def _phrase_trie(phrases: Iterable[tuple[str, ...]]) -> dict:
    """Phrases as a token trie: each node maps the next token to its node, and `_END` to the
    phrase that ends there. Walking it finds the longest phrase at a position in one pass."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for token in phrase:
            node = node.setdefault(token, {})
        node[_END] = phrase
    return trie


class Normalizer:
    """Folds, repairs and expands text; build one per knowledge base and reuse it."""

    def __init__(
        self,
        synonyms: Iterable[tuple[str, Sequence[str]]] = (),
        filler: Iterable[str] = (),
        *,
        chat_defaults: bool = True,
    ) -> None:
        groups: list[tuple[str, Sequence[str]]] = []
        fillers: list[str] = []
        if chat_defaults:
            groups.extend(CHAT_ABBREVIATIONS.items())
            groups.extend(REGIONAL_VARIANTS.items())
            fillers.extend(CHAT_FILLER)
        groups.extend(synonyms)
        fillers.extend(filler)
        self._rules: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._protected: set[str] = set()
        for canonical, variants in groups:
            target = _spelled(canonical)
            if not target:
                continue
            self._protected.update(target)
            self._add_rule(target, target)
            for variant in variants:
                key = _spelled(variant)
                if key:
                    self._protected.update(key)
                    self._add_rule(key, target)
        for word in fillers:
            key = _spelled(word)
            if key and key not in self._rules:
                self._rules[key] = ()
        # Words the tables rewrite or drop are never spell-corrected ("nhe" is the filler "nhé").
        self._kept = frozenset(t for key in self._rules for t in key)
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        self._single: dict[str, tuple[str, ...]] = {}
        for key in sorted(self._rules, key=len, reverse=True):
            if len(key) == 1:
                if self._rules[key] != key:  # a word standing for itself needs no rule
                    self._single[key[0]] = self._rules[key]
            else:
                self._by_first.setdefault(key[0], []).append(key)
        # Only texts containing one of these words can change during expansion; most do not,
        # and skip the (pure Python) expansion loop. A phrase that stands for itself matters
        # only when it shields a shorter rule inside it ("trung học phổ thông" ⊃ "phổ thông").
        starts = {k[0] for k, target in self._rules.items() if target != k}
        shields = {
            k[0] for k, target in self._rules.items() if target == k and not starts.isdisjoint(k)
        }
        self._triggers = frozenset(starts | shields)
        useful = [k for k, target in self._rules.items() if target != k or k[0] in shields]
        self._trie = _phrase_trie(useful)
        self._spelling: dict[str, str] = {}
        # Whitespace-separated chunks of raw text → their repaired tokens: a word is folded,
        # split and repaired once, however many texts it occurs in.
        self._one_token: dict[str, str] = {}
        self._chunk_tokens: dict[str, tuple[str, ...]] = {}

    def _add_rule(self, key: tuple[str, ...], target: tuple[str, ...]) -> None:
        known = self._rules.get(key)
        if known is None or known == key:
            self._rules[key] = target
        elif target not in (known, key):
            # One abbreviation, two meanings ("đk": đăng ký / điều kiện): keep both.
            self._rules[key] = known + target

    def _expand_once(self, tokens: list[str]) -> tuple[list[str], bool]:
        """One left-to-right pass (longest phrase first); also says whether anything changed."""
        trie, rules = self._trie, self._rules
        starts = [i for i, token in enumerate(tokens) if token in trie]
        if not starts:
            return tokens, False
        out: list[str] = []
        changed = False
        done, count = 0, len(tokens)  # tokens[:done] are in `out`
        for i in starts:
            if i < done:  # inside a phrase already rewritten
                continue
            node, phrase, end, j = trie[tokens[i]], None, i, i
            while node is not None:
                j += 1
                if _END in node:
                    phrase, end = node[_END], j
                node = node.get(tokens[j]) if j < count else None
            if phrase is None:
                continue
            target = rules[phrase]
            changed = changed or target != phrase
            out.extend(tokens[done:i])
            out.extend(target)
            done = end
        out.extend(tokens[done:])
        return out, changed

    def _spell(self, token: str) -> str:
        fixed = _unify_i_y(token) if token in self._protected else repair_token(token)
        if len(self._spelling) < _CACHE_LIMIT:
            self._spelling[token] = fixed
        return fixed

    def tokens(self, text: str) -> list[str]:
        """Normalised tokens of `text` (folded, repaired, expanded, filler dropped)."""
        return self.expand(self.raw_tokens(text))

    def raw_tokens(self, text: str) -> list[str]:
        """Folded and repaired tokens, before abbreviation/synonym expansion.

        The matcher corrects typos at this stage, so that a misspelt word is repaired before
        the expansion tables see it ("covicd 19" → "covid 19" → covid).
        """
        chunks = text.split()
        one_token = self._one_token
        try:  # most texts: every chunk is a word seen before
            return [one_token[chunk] for chunk in chunks]
        except KeyError:
            pass
        tokens: list[str] = []
        for chunk in chunks:
            token = one_token.get(chunk)
            if token is not None:
                tokens.append(token)
            else:
                tokens.extend(self._repaired_chunk(chunk))
        return tokens

    def _repaired_chunk(self, chunk: str) -> tuple[str, ...]:
        """The tokens of one whitespace-free piece of text (folding, splitting and repair
        never reach across whitespace, so a text's tokens are its chunks' tokens in turn)."""
        found = self._chunk_tokens.get(chunk)
        if found is not None:
            return found
        spelling = self._spelling
        tokens = tuple(spelling.get(t) or self._spell(t) for t in tokenize(chunk))
        if len(self._one_token) + len(self._chunk_tokens) < _CACHE_LIMIT:
            if len(tokens) == 1:
                self._one_token[chunk] = tokens[0]
            else:
                self._chunk_tokens[chunk] = tokens
        return tokens

    def expand(self, tokens: list[str]) -> list[str]:
        """Abbreviations, teencode and synonyms rewritten to their full form, filler dropped."""
        if self._triggers.isdisjoint(tokens):
            return tokens
        for _ in range(_MAX_EXPANSION_PASSES):
            tokens, changed = self._expand_once(tokens)
            if not changed:
                break
        return tokens

    def is_protected(self, token: str) -> bool:
        """Whether a raw token belongs to an expansion or filler table (never spell-corrected)."""
        return token in self._kept

    def expansion(self, token: str) -> tuple[str, ...] | None:
        """What a one-token abbreviation stands for (None when it is not one)."""
        return self._single.get(token)

    def abbreviations(self) -> dict[str, tuple[str, ...]]:
        """Every one-token abbreviation or variant and what it stands for."""
        return dict(self._single)

    def normalize(self, text: str) -> str:
        return " ".join(self.tokens(text))

    def expansion_is_stable(self) -> list[str]:
        """Canonical phrases whose own expansion changes them (a cycle in the synonyms)."""
        unstable = []
        for key, target in self._rules.items():
            if target and self._expand_once(list(target))[0] != list(target):
                unstable.append(" ".join(key))
        return unstable
