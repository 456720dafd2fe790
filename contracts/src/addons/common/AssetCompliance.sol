// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IToken} from "../../interfaces/erc3643/IToken.sol";
import {IIdentityRegistry} from "../../interfaces/erc3643/IIdentityRegistry.sol";
import {IModularCompliance} from "../../interfaces/erc3643/IModularCompliance.sol";

/// @title Pre-checks of an asset movement against the asset's own rules.
/// @notice Addons call this before they take anybody's money, so a movement that the
/// token would refuse later fails first, with nothing taken. The token still enforces
/// the same rules when the movement happens (its standard transfer path).
/// A plain ERC-20 (no ERC-3643 surface) has no such rules: every movement is allowed.
library AssetCompliance {
    /// @notice `asset` would refuse moving `amount` from `from` to `to`.
    error MovementNotAllowed(address asset, address from, address to, uint256 amount);

    /// @return true when the token's pause/freeze state, the recipient's identity and the
    /// compliance engine all allow the movement (or the asset is a plain ERC-20).
    function isAllowed(address asset, address from, address to, uint256 amount) internal view returns (bool) {
        IIdentityRegistry registry;
        try IToken(asset).identityRegistry() returns (IIdentityRegistry r) {
            registry = r;
        } catch {
            return true;
        }
        IToken t = IToken(asset);
        if (t.paused() || t.isFrozen(from) || t.isFrozen(to)) return false;
        if (!registry.isVerified(to)) return false;
        IModularCompliance c = t.compliance();
        return c.canTransfer(from, to, amount);
    }

    function requireAllowed(address asset, address from, address to, uint256 amount) internal view {
        if (!isAllowed(asset, from, to, amount)) revert MovementNotAllowed(asset, from, to, amount);
    }
}
