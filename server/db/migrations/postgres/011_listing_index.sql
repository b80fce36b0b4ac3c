-- The briefing counts 省级挂牌督办 from the history: the listing changes recorded in a period (campaign-to-date
-- included). They are few among millions of changes; this keeps that read off a scan of the whole history.
CREATE INDEX changes_listing ON changes (at) WHERE kind = 'listing';
