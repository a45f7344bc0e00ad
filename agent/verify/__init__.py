"""Verify: what a draft may say. Every check of the guard, with its rule (each module's docstring states it in full;
its thresholds are the module's named constants; its tests use text written for them):

The support rule: a sentence of an answer is supported only by a passage sentence (or two adjacent ones) that says
the same thing of the same subject; sharing its words is not enough.

Before the model:
- ``boundary``: a question about a person, work, date or event after the figure's cutoff, or outright about the
  time after its death, is "after my time"; a passage dated after the cutoff is never shown.
- ``succession``: a question about who came after a holder of an office (or the n-th holder) whose successor began
  after the cutoff, or naming a ruler of the figure's dynasty who reigned only after it, is "after my time".
- ``injection``: a passage sentence that speaks to its reader (names the conversation, prescribes an answer,
  commands) is cut before the model sees it.

On each sentence of a draft (``verifier``, ``citations`` maps sentences to passages by code):
- dates (``support``): a date needs a cited or retrieved passage (or the figure's timeline) stating a date whose
  range holds it, in a sentence about the same thing, with the same month, day and ordinal.
- numbers (``verifier``): a count, age or duration needs the same value in a passage, with the same noun after a
  figure that could be a year.
- ordinals (``ordinals``): an ordinal that ranks a thing (5th president, 第三子, the first governor) needs the same
  ordinal of the same thing in one passage sentence; one that names no thing ("I was the 5th.") the same number.
- content (``claims``): what a sentence says besides its dates must stand in a passage window (beside the kin word
  the question asks about).
- offices and kin (``roles``, parsed by ``role_claims``): an office the figure claims needs a passage sentence that
  puts the figure into it, with the claim's place (not someone else, not denied, offered or only planned; in English
  by its English name; an office the answer says was only offered, by an offer too: 以某官召); a relative needs the
  same name beside the same kin word and rank, or married to the figure; a yes to a question about them claims what
  the question says.
- relations asked (``relation_answer``): the people an answer names for "who was your teacher / partner / 同僚?"
  fail when none stands in a passage sentence (Chinese: clause) beside a word of that relation.
- another one (``ordinals.other_ordinal``): where the question asks about the N-th of something (the third time,
  第三次), a sentence giving other ordinals and not N speaks of another one.
- views (``stance``): a view given as the figure's own needs a passage giving it as the figure's, not another's (in
  Chinese: not after a verb of saying whose subject is another named person).
- deeds (``actor``): a deed the figure claims fails where every passage sentence telling it gives it to another
  named person.
- negation (``polarity``): a statement fails where every passage sentence telling it negates one of its words.
- premises (``premise``): a yes to a yes-or-no question (or its restatement) needs a passage sentence stating the
  question's premise: half its terms and all its names, not negated there or in the clause after.
- talk about the passages or the instructions (``claims.speaks_of_passages``, ``echo``) answers nothing.
- silence (``silence``): a passage saying the sources do not record a thing forbids an answer giving it.

On the draft as an answer to its question (``verifier``): a question asking when needs a date (``no_date``), of the
event asked about (``other_event``, ``other_matter``); how old needs an age, not a year (``age_answer``); which day
needs a day; an answer must say more than the question (``restates``).

What follows a failure (``guard``): the model is asked once more, naming what failed; then what can be cut is cut
(``trim``), what still fails is hedged or dropped (``hedge``); a question about the figure's own life whose fact the
chronology holds is answered from it (``chronology``; an age at a dated event from the birth year: ``age_at``).
Streaming releases only sentences that passed (``release``); an answer's leading question asked back is dropped.
"""
