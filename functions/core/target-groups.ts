/**
 * The project's own target groups (målgrupper), which funders want every figure split by. These are
 * the ESF project's three (see the domain notes); another project names its own here.
 */
export const TARGET_GROUPS = ['illHealthFirstTraining', 'nonNordicSwedish', 'formerParticipants'] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];
