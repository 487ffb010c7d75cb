-- The command processor answers most conflict checks from memory (ADR 0009); for the aggregates it
-- does not hold, the append statement itself checks that nothing stored after the batch's base
-- offset touches them, and calls this with the answer. Raising fails the whole statement, so
-- nothing of the group is written; the processor then reads the log and plans the group again.
CREATE FUNCTION highwater_untouched(p_untouched boolean) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT p_untouched THEN
    RAISE EXCEPTION 'an aggregate of the group was touched after its base offset' USING ERRCODE = 'HW002';
  END IF;
  RETURN true;
END $$;
