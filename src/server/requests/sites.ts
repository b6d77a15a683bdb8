import { FILE_SITES, SITES, type SitesParams } from '../../common/protocol/server';
import type { Session } from '../session';

/**
 * LossLens's own requests: `losslens/sites` (the loss sites of an open document as it is now) and
 * `losslens/fileSites` (those of a workspace file, open or not, with its findings).
 */
export function registerSites(session: Session): void {
  session.connection.onRequest(SITES, (params: SitesParams) => session.analyses.currentSites(params.uri));
  session.connection.onRequest(FILE_SITES, (params: SitesParams) => session.analyses.fileSites(params.uri));
}
