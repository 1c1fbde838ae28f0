import * as ff from '@google-cloud/functions-framework';
import { notYetWiredHttp } from '@qrl-rebalancer/shared/http';

ff.http('rebalance', notYetWiredHttp('rebalance'));
