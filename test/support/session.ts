/** The signed-in HTTP client lives with the local host (the demo seed uses it too). */
export { inbox, Session, type StoredMail, USERS } from '#local/http-session';
