-- The lowest and highest letter number (`letter_no` is the letters' row id): the bounds of the
-- bitstring that counts a group's distinct letters (queries/rates.py `_letter_bits`).
select min(rowid) as lo, max(rowid) as hi from letters
