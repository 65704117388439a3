<?php
// The editor script's dependencies (what a build step would write): WordPress's own packages.
return [
    'dependencies' => ['wp-blocks', 'wp-element', 'wp-block-editor', 'wp-components', 'wp-server-side-render', 'wp-i18n'],
    'version' => '0.1.0',
];
