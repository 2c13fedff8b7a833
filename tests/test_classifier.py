"""The classifier: scikit-learn's estimator contract, codebook knowledge, proposals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, KFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import estimator_checks, get_tags

from coding.codebook import load_codebook
from coding.definitions import load_definitions
from coding.model.calibration import TemperatureScaled
from coding.model.classifier import DefinitionClassifier
from coding.model.proposals import _percents, propose
from coding.model.proposals import _reason as _reason_of
from corpus.nlp import lemma_strings

SCHOOLS = [
    "Alfred Marshall",
    "Italian industrial districts",
    "Economic and industrial geography",
    "Michael Porter",
    "Regional innovation systems and learning regions",
]


@pytest.fixture(scope="module")
def definitions() -> pd.DataFrame:
    return load_definitions().set_index("key")


@pytest.fixture(scope="module")
def book():
    return load_codebook()


def test_estimator_contract(definitions, book):
    model = DefinitionClassifier(codebook=book, C=3.0)
    assert model.get_params()["C"] == 3.0
    assert clone(model).get_params()["C"] == 3.0
    with pytest.raises(NotFittedError):
        model.predict(["A cluster is a group of firms."])
    fitted = model.fit(definitions["definition"], definitions["school"])
    assert fitted is model
    assert model.classes_.tolist() == SCHOOLS
    probs = model.predict_proba(definitions["definition"])
    assert probs.shape == (17, 5)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert (model.predict(definitions["definition"]) == model.classes_[probs.argmax(1)]).all()
    assert model.score(definitions["definition"], definitions["school"]) >= 0.9


# scikit-learn's own checks of the estimator API that need no numeric X; the
# others feed numeric arrays, which the input tags say these estimators do not take.
API_CHECKS = [
    "check_estimator_cloneable",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_mixin_order",
    "check_get_params_invariance",
    "check_set_params",
    "check_parameters_default_constructible",
    "check_estimators_unfitted",
]


@pytest.mark.parametrize("check", API_CHECKS)
@pytest.mark.parametrize(
    "estimator",
    [DefinitionClassifier(), TemperatureScaled(DefinitionClassifier())],
    ids=["DefinitionClassifier", "TemperatureScaled"],
)
def test_passes_scikit_learns_api_checks(estimator, check):
    getattr(estimator_checks, check)(type(estimator).__name__, estimator)


def test_codes_turned_into_integers_get_an_error_that_says_what_to_use(definitions, book):
    model = DefinitionClassifier(codebook=book, scheme="breadth")
    X, y = definitions["definition"], definitions["breadth"]
    with pytest.raises(ValueError, match=r"is not a code of scheme 'breadth'.*cross_val_proba"):
        cross_val_predict(model, X, y, cv=KFold(3), method="predict_proba")
    with pytest.raises(ValueError, match="is not a code") as caught:
        model.fit(X, ["B", "X"] * 8 + ["N"])
    assert "cross_val_proba" not in str(caught.value)


def test_input_tags_say_texts_not_numbers():
    for estimator in (DefinitionClassifier(), TemperatureScaled(DefinitionClassifier())):
        tags = get_tags(estimator).input_tags
        assert tags.string and not tags.two_d_array


def test_works_in_pipeline_cross_val_predict_and_grid_search(definitions, book):
    X, y = definitions["definition"].tolist(), definitions["breadth"].to_numpy()
    pipe = make_pipeline(
        FunctionTransformer(lambda texts: [t.lower() for t in texts]),
        DefinitionClassifier(codebook=book, scheme="breadth"),
    )
    predicted = cross_val_predict(pipe, X, y, cv=KFold(3))
    assert set(predicted) <= {"B", "N"} and len(predicted) == 17
    search = GridSearchCV(
        DefinitionClassifier(codebook=book, scheme="breadth"), {"C": [0.1, 10.0]}, cv=KFold(3)
    ).fit(X, y)
    assert search.best_params_["C"] in (0.1, 10.0)


def test_bad_labels_and_parameters_are_named(definitions, book):
    with pytest.raises(ValueError, match="'Nope' is not a code of scheme 'school'"):
        DefinitionClassifier(codebook=book).fit(["a text"], ["Nope"])
    with pytest.raises(ValueError, match=r"C == -1, must be a number > 0"):
        DefinitionClassifier(codebook=book, C=-1).fit(["a text"], ["Alfred Marshall"])


def test_a_school_without_coded_examples_is_learnt_from_the_codebook(definitions, book):
    rest = definitions[definitions["school"] != "Italian industrial districts"]
    model = DefinitionClassifier(codebook=book, weak_weight=2.0).fit(
        rest["definition"], rest["school"]
    )
    assert "Italian industrial districts" in model.classes_
    text = "Small firms in an industrial district bound by social relations and cooperation."
    assert model.predict([text])[0] == "Italian industrial districts"


def test_proposal_gives_probability_runner_up_terms_and_nearest(definitions, book):
    model = DefinitionClassifier(codebook=book).fit(
        definitions["definition"], definitions["school"]
    )
    text = "Clusters are regional innovation systems of collective learning and knowledge."
    (row,) = propose(model, [text]).itertuples()
    assert row.code == "Regional innovation systems and learning regions"
    assert row.confidence == pytest.approx(model.predict_proba([text]).max())
    assert row.runner_up != row.code and row.runner_up_confidence < row.confidence
    assert {"learn", "knowledge", "innovation"} & set(row.terms)
    assert row.nearest in definitions.index
    assert row.nearest_code == definitions.loc[row.nearest, "school"]
    assert f"{row.confidence:.0%} {row.code}" in row.reason
    assert f"nearest coded: {row.nearest} as {row.nearest_code} (" in row.reason


def _reason(code, confidence, runner_up, runner_up_confidence, *rest):
    """A reason from the two probabilities, written as propose() writes them."""
    written = _percents(np.array([confidence, runner_up_confidence]))
    return _reason_of(code, written[0], runner_up, written[1], *rest)


def test_a_reason_never_rounds_a_probability_to_certainty():
    reason = _reason("N", 0.9962, "B", 0.0038, ["firm"], [], "enright1996", "B", 0.4)
    assert reason == ">99% N over <1% B; terms: firm; nearest coded: enright1996 as B (0.40)"
    assert _reason("N", 0.994, "B", 0.006, [], [], "x", "N", 0.0).startswith("99% N over 1% B;")


def test_a_reason_names_the_form_apart_from_the_terms():
    reason = _reason("N", 0.7, "B", 0.3, ["firm"], ["length"], "enright1996", "N", 0.4)
    assert reason == (
        "70% N over 30% B; terms: firm; form: length; nearest coded: enright1996 as N (0.40)"
    )


def test_binary_scheme_proposal_terms_favour_the_proposed_code(definitions, book):
    model = DefinitionClassifier(codebook=book, scheme="breadth").fit(
        definitions["definition"], definitions["breadth"]
    )
    proposals = propose(model, definitions["definition"])
    assert set(proposals["code"]) <= {"B", "N"}
    assert (proposals["confidence"] >= 0.5).all()
    assert proposals["terms"].map(len).gt(0).any()


def test_proposal_terms_are_the_strongest_pushes_of_each_row(definitions, book):
    model = DefinitionClassifier(codebook=book).fit(
        definitions["definition"], definitions["school"]
    )
    texts = [*definitions["definition"], "Nothing in common.", ""]
    proposals = propose(model, texts, n_terms=4)
    features = model._features(lemma_strings(texts))
    coef = model.model_.coef_[model._order]
    names = model.feature_names()
    form = model.form_columns()
    index = {code: i for i, code in enumerate(model.classes_)}
    for row, proposal in enumerate(proposals.itertuples()):
        b, s = index[proposal.code], index[proposal.runner_up]
        start, end = features.indptr[row], features.indptr[row + 1]
        columns = features.indices[start:end]
        push = features.data[start:end] * (coef[b, columns] - coef[s, columns])
        ranked = [i for i in np.argsort(-push, kind="stable") if push[i] > 0]
        words = [str(names[columns[i]]) for i in ranked if not form[columns[i]]]
        assert proposal.terms == words[:4]
        assert proposal.form == [str(names[columns[i]]) for i in ranked if form[columns[i]]]
    assert proposals["terms"].map(len).max() == 4
    assert proposals["form"].map(len).max() > 0


def test_form_columns_are_found_by_position_not_by_name(book):
    texts = ["Firms at arm's length in one town.", "Networks of firms that learn together."]
    model = DefinitionClassifier(codebook=book, scheme="breadth").fit(texts, ["N", "B"])
    names = model.feature_names()
    assert "length" in model.words_.vocabulary_
    assert list(names[model.form_columns()]) == ["length", "coordinated parts"]
    assert (names == "length").sum() == 2
