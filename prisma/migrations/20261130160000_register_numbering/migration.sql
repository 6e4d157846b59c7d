-- 启用编号: where a year's 收文编号 or a 办文编号 prefix continues from.
CREATE TABLE "RegisterNumbering" (
    "year" INTEGER NOT NULL,
    "series" TEXT NOT NULL,
    "lastSequence" INTEGER NOT NULL,
    "setById" TEXT NOT NULL,
    "setAt" DATETIME NOT NULL,

    PRIMARY KEY ("year", "series")
);
