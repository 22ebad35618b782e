'use strict';

const { paginate } = require('./paginate');
const { pageLinks } = require('./page-links');

module.exports = { paginate, pageLinks };
