-- Events an operator chose to skip for one view of one partition, after its projector failed on
-- them: the view (and any rebuild of it) goes past them; every other view still projects them.
CREATE TABLE view_skipped_events (
  app        text        NOT NULL,
  partition  integer     NOT NULL,
  view       text        NOT NULL,
  offs       bigint      NOT NULL,
  error      text        NOT NULL,
  skipped_at timestamptz NOT NULL,
  PRIMARY KEY (app, partition, view, offs)
);
