/** A work place (arbetsplats) of the social enterprise. Units are data, not code. */
export interface Unit {
  unitId: string;
  name: string;
  description: string;
  tasks: string[];
  places: number;
  address: string;
  /** Placement coordinators (praktikansvariga) who get the unit's referrals. */
  coordinatorEmails: string[];
}
