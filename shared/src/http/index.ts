export { healthHttp } from './health';
export { notYetWiredHttp } from './not-yet-wired';
