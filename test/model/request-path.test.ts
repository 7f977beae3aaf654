import assert from 'node:assert/strict';
import { pathTemplate, requestAction } from '../../core/model/request-path.js';

describe('request path templates', function () {
  it('replace identifiers with {id} and drop the query', function () {
    assert.equal(
      pathTemplate('/v1/users/ME/conversations/19:abc@thread.v2/messages?startTime=1'),
      '/v1/users/ME/conversations/{id}/messages?…',
    );
    assert.equal(pathTemplate('/drives/b!x/items/01ABCDEF2GHIJKLMNOP/content'), '/drives/b!x/items/{id}/content');
    assert.equal(pathTemplate('/users/alice@contoso.com/photo'), '/users/{id}/photo');
    assert.equal(
      pathTemplate('/api/v2/ep/conv-weu-01/0f8fad5b-d9cb-469f-a165-70867728950e'),
      '/api/v2/ep/conv-weu-01/{id}',
    );
    assert.equal(
      requestAction('POST', 'x.ng.msg.teams.microsoft.com', '/v1/users/ME/conversations/{id}/messages'),
      'message-sent',
    );
    assert.equal(requestAction('PUT', 'contoso-my.sharepoint.com', '/personal/{id}/_api/web/files'), 'file-upload');
    assert.equal(requestAction('GET', 'contoso-my.sharepoint.com', '/personal/{id}'), undefined);
  });
});
