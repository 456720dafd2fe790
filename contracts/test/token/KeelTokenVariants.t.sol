// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelTokenProxiedTest} from "./KeelToken.t.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {KeelEquityToken} from "../../src/token/KeelEquityToken.sol";
import {KeelFundToken} from "../../src/token/KeelFundToken.sol";
import {KeelBondToken} from "../../src/token/KeelBondToken.sol";

/// @notice The whole token suite (proxied) against each per-kind variant: a variant
/// keeps every base behaviour. (The stablecoin needs collateral to mint; its own suite
/// covers it.)
contract KeelEquityTokenSuiteTest is KeelTokenProxiedTest {
    function _newToken(bool asImplementation) internal override returns (KeelToken) {
        return new KeelEquityToken(asImplementation);
    }

    function _features() internal view override returns (uint256) {
        return 3; // history + voting
    }
}

contract KeelFundTokenSuiteTest is KeelTokenProxiedTest {
    function _newToken(bool asImplementation) internal override returns (KeelToken) {
        return new KeelFundToken(asImplementation);
    }

    function _features() internal view override returns (uint256) {
        return 3;
    }
}

contract KeelBondTokenSuiteTest is KeelTokenProxiedTest {
    function _newToken(bool asImplementation) internal override returns (KeelToken) {
        return new KeelBondToken(asImplementation);
    }

    function _features() internal view override returns (uint256) {
        return 1;
    }
}
