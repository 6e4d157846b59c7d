-- Organisation administration: an account created or reset by an administrator must choose its
-- own password at its next sign-in.
ALTER TABLE "User" ADD COLUMN "mustChangePassword" BOOLEAN NOT NULL DEFAULT false;
