/** The caller (server-contract.md §0.3): username = user_id = team_id = owner. */
export interface User {
  userId: string;
  teamId: string;
}

export const userFromName = (name: string): User => ({ userId: name, teamId: name });
