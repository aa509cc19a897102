import type { TestHost } from '#test/support/host';

/**
 * `npm run proof`: the contract between the runner (test/proof/run.ts) and the goals
 * (test/proof/goals/*.ts). A goal module exports `goal: Goal`. Each result is one row of the
 * table and of `.bench/proof.json`.
 */
export interface ProofResult {
  /** What was tried, e.g. "50 parallel identical referrals". */
  test: string;
  /** What was measured, e.g. "1 case, 1 execution, 1 mail, 1 reference". */
  figure: string;
  /** The goal in words, e.g. "1 case, 1 execution, 1 mail, 1 reference". */
  goal: string;
  pass: boolean;
}

export interface ProofContext {
  /** `--quick`: smaller loops that fit CI's budget; the full mode is the README's figures. */
  quick: boolean;
  /** The local host booted for the proof, on its own ports and data folder. */
  host: TestHost;
  /** Repository root. */
  root: string;
  /** Every piece of personal data a goal put into the platform (names, identity numbers, health
   * and adaptation texts, e-mail local parts that carry a name): the personal-data goal searches
   * logs, mails, URLs and workflow payloads/histories for each. */
  personalData: Set<string>;
  log: (msg: string) => void;
}

export interface Goal {
  /** Short name, for `--only <name>`. */
  name: string;
  run(ctx: ProofContext): Promise<ProofResult[]>;
}

/** A result row from a figure and a predicate. */
export const result = (test: string, figure: string, goal: string, pass: boolean): ProofResult => ({
  test,
  figure,
  goal,
  pass,
});
