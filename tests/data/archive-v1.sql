-- An archive as schema version 1 (the first release) left it: one feed source, an article
-- and its repost (no stories yet), their first versions, one fetch. The schema is that
-- release's (aggregator.store.schema, with sqlite-utils' FTS set-up); tests/helpers.py
-- loads it to test migrations.
PRAGMA user_version = 1;
CREATE TABLE sources (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,              -- where it is fetched now (follows permanent redirects)
    config_url TEXT NOT NULL,       -- as written in config.toml
    type TEXT NOT NULL,             -- feed | html
    enabled INTEGER NOT NULL DEFAULT 1,
    added TEXT NOT NULL,
    last_polled TEXT,
    last_success TEXT,
    last_status TEXT,               -- ok | not modified | error
    last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE http_cache (           -- validators for conditional GET, per URL
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    fetched TEXT NOT NULL
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL REFERENCES sources(name),
    url TEXT NOT NULL UNIQUE,
    entry_id TEXT NOT NULL UNIQUE,  -- the Atom id, fixed when first seen
    guid TEXT,
    title TEXT NOT NULL,
    published TEXT,
    updated TEXT,
    sort_time TEXT NOT NULL,        -- UTC; published, else first seen: the feed order
    authors TEXT NOT NULL DEFAULT '[]',
    credits TEXT NOT NULL DEFAULT '[]',
    source_outlet TEXT,             -- the outlet the article credits (来源)
    publisher TEXT,                 -- who runs the site
    section TEXT,
    summary TEXT,
    body_html TEXT,
    body_text TEXT,
    images TEXT NOT NULL DEFAULT '[]',
    language TEXT,
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    changed_at TEXT,                -- when the latest version was recorded, if ever edited
    removed_at TEXT,
    title_terms TEXT,               -- title and body as indexed for search (CJK bigrams)
    body_terms TEXT
);
CREATE TABLE article_versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    title TEXT NOT NULL,
    body_text TEXT,
    authors TEXT NOT NULL DEFAULT '[]',
    source_outlet TEXT,
    content_hash TEXT NOT NULL,
    diff TEXT,                      -- against the previous version, paragraph by paragraph
    UNIQUE (article_id, version)
);
CREATE TABLE fetches (
    id INTEGER PRIMARY KEY,
    source TEXT REFERENCES sources(name),
    url TEXT NOT NULL,
    started TEXT NOT NULL,
    http_status INTEGER,
    bytes INTEGER,
    elapsed_ms INTEGER,
    error TEXT
);
CREATE VIRTUAL TABLE "articles_fts" USING FTS5 (
    "title_terms", "body_terms",
    content="articles"
);
CREATE INDEX articles_sort_time ON articles (sort_time);
CREATE INDEX articles_source_sort_time ON articles (source, sort_time);
CREATE INDEX fetches_source_started ON fetches (source, started);
CREATE VIEW source_status AS
SELECT
    sources.name,
    sources.type,
    sources.url,
    sources.enabled,
    sources.last_polled,
    sources.last_status,
    sources.last_error,
    sources.consecutive_failures,
    (SELECT count(*) FROM articles WHERE articles.source = sources.name) AS articles
FROM sources;
CREATE TRIGGER "articles_ai" AFTER INSERT ON "articles" BEGIN
  INSERT INTO "articles_fts" (rowid, "title_terms", "body_terms") VALUES (new.rowid, new."title_terms", new."body_terms");
END;
CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles" BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title_terms", "body_terms") VALUES('delete', old.rowid, old."title_terms", old."body_terms");
END;
CREATE TRIGGER "articles_au" AFTER UPDATE ON "articles" BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title_terms", "body_terms") VALUES('delete', old.rowid, old."title_terms", old."body_terms");
  INSERT INTO "articles_fts" (rowid, "title_terms", "body_terms") VALUES (new.rowid, new."title_terms", new."body_terms");
END;
INSERT INTO sources (name,url,config_url,type,enabled,added,last_polled,last_success,last_status,last_error,consecutive_failures) VALUES ('old','http://old.example.cn/rss','http://old.example.cn/rss','feed',1,'2026-01-01T00:00:00+00:00',NULL,NULL,NULL,NULL,0);
INSERT INTO articles (id,source,url,entry_id,guid,title,published,updated,sort_time,authors,credits,source_outlet,publisher,section,summary,body_html,body_text,images,language,content_hash,version,first_seen,last_seen,changed_at,removed_at,title_terms,body_terms) VALUES (1,'old','http://old.example.cn/1.htm','urn:uuid:00000000-0000-5000-8000-000000000001',NULL,'全省春耕生产工作会议在兰州召开','2023-02-14T10:00:00+08:00',NULL,'2023-02-14T02:00:00+00:00','[]','[]',NULL,NULL,NULL,NULL,NULL,'2月14日，全省春耕生产工作会议在兰州召开。会议总结了去年全省农业农村工作，分析了当前面临的形势，安排部署了今年春耕生产重点任务。

会议强调，要压实粮食安全政治责任，稳定粮食播种面积，抓好农资供应和调运，加强农业技术指导服务，确保春耕生产顺利进行。','[]',NULL,'hash1',1,'2026-01-01T00:00:00+00:00','2026-01-01T00:00:00+00:00',NULL,NULL,' 全省 省春 春耕 耕生 生产 产工 工作 作会 会议 议在 在兰 兰州 州召 召开 开 ','2 月 14 日 ， 全省 省春 春耕 耕生 生产 产工 工作 作会 会议 议在 在兰 兰州 州召 召开 开 。 会议 议总 总结 结了 了去 去年 年全 全省 省农 农业 业农 农村 村工 工作 作 ， 分析 析了 了当 当前 前面 面临 临的 的形 形势 势 ， 安排 排部 部署 署了 了今 今年 年春 春耕 耕生 生产 产重 重点 点任 任务 务 。

 会议 议强 强调 调 ， 要压 压实 实粮 粮食 食安 安全 全政 政治 治责 责任 任 ， 稳定 定粮 粮食 食播 播种 种面 面积 积 ， 抓好 好农 农资 资供 供应 应和 和调 调运 运 ， 加强 强农 农业 业技 技术 术指 指导 导服 服务 务 ， 确保 保春 春耕 耕生 生产 产顺 顺利 利进 进行 行 。');
INSERT INTO articles (id,source,url,entry_id,guid,title,published,updated,sort_time,authors,credits,source_outlet,publisher,section,summary,body_html,body_text,images,language,content_hash,version,first_seen,last_seen,changed_at,removed_at,title_terms,body_terms) VALUES (2,'old','http://county.example.cn/1.htm','urn:uuid:00000000-0000-5000-8000-000000000002',NULL,'【转载】全省春耕生产工作会议在兰州召开','2023-02-14T10:00:00+08:00',NULL,'2023-02-14T02:00:00+00:00','[]','[]',NULL,NULL,NULL,NULL,NULL,'2月14日，全省春耕生产工作会议在兰州召开。会议总结了去年全省农业农村工作，分析了当前面临的形势，安排部署了今年春耕生产重点任务。

会议强调，要压实粮食安全政治责任，稳定粮食播种面积，抓好农资供应和调运，加强农业技术指导服务，确保春耕生产顺利进行。','[]',NULL,'hash2',1,'2026-01-01T00:00:00+00:00','2026-01-01T00:00:00+00:00',NULL,NULL,'【 转载 载 】 全省 省春 春耕 耕生 生产 产工 工作 作会 会议 议在 在兰 兰州 州召 召开 开 ','2 月 14 日 ， 全省 省春 春耕 耕生 生产 产工 工作 作会 会议 议在 在兰 兰州 州召 召开 开 。 会议 议总 总结 结了 了去 去年 年全 全省 省农 农业 业农 农村 村工 工作 作 ， 分析 析了 了当 当前 前面 面临 临的 的形 形势 势 ， 安排 排部 部署 署了 了今 今年 年春 春耕 耕生 生产 产重 重点 点任 任务 务 。

 会议 议强 强调 调 ， 要压 压实 实粮 粮食 食安 安全 全政 政治 治责 责任 任 ， 稳定 定粮 粮食 食播 播种 种面 面积 积 ， 抓好 好农 农资 资供 供应 应和 和调 调运 运 ， 加强 强农 农业 业技 技术 术指 指导 导服 服务 务 ， 确保 保春 春耕 耕生 生产 产顺 顺利 利进 进行 行 。');
INSERT INTO article_versions (id,article_id,version,fetched_at,title,body_text,authors,source_outlet,content_hash,diff) VALUES (1,1,1,'2026-01-01T00:00:00+00:00','全省春耕生产工作会议在兰州召开','2月14日，全省春耕生产工作会议在兰州召开。会议总结了去年全省农业农村工作，分析了当前面临的形势，安排部署了今年春耕生产重点任务。

会议强调，要压实粮食安全政治责任，稳定粮食播种面积，抓好农资供应和调运，加强农业技术指导服务，确保春耕生产顺利进行。','[]',NULL,'hash1',NULL);
INSERT INTO article_versions (id,article_id,version,fetched_at,title,body_text,authors,source_outlet,content_hash,diff) VALUES (2,2,1,'2026-01-01T00:00:00+00:00','【转载】全省春耕生产工作会议在兰州召开','2月14日，全省春耕生产工作会议在兰州召开。会议总结了去年全省农业农村工作，分析了当前面临的形势，安排部署了今年春耕生产重点任务。

会议强调，要压实粮食安全政治责任，稳定粮食播种面积，抓好农资供应和调运，加强农业技术指导服务，确保春耕生产顺利进行。','[]',NULL,'hash2',NULL);
INSERT INTO fetches (id,source,url,started,http_status,bytes,elapsed_ms,error) VALUES (1,'old','http://old.example.cn/rss','2026-01-01T00:00:00+00:00',200,NULL,NULL,NULL);
